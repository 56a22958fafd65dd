using System.Net.Http.Json;
using MySqlConnector;
using Stack.Testing;

namespace Integration.Tests;

/// <summary>
/// A stack of its own with one of each process and tight limits: a high-water mark a few batches pass, so the door
/// can be shut on purpose, and one restore at a time per replica for at most a few seconds.
/// </summary>
public sealed class ConstrainedStackFixture : IAsyncLifetime
{
    public const int HighWater = 5000;

    public const int RestoreSeconds = 3;

    public StackInstance Stack { get; private set; } = null!;

    public HttpClient Gateway { get; private set; } = null!;

    private string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), "persistence-it-bp-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        Stack = await StackInstance.StartAsync(
            [
                "--replicas", "1", "--workers", "1", "--gateways", "1",
                .. AppHost.StackOptions.BackpressureWaterMarks(HighWater, HighWater / 2),
                "--api-setting", "Backpressure__RefreshIntervalMs=50",
                "--api-setting", "Recovery__MaxConcurrentRestores=1",
                "--api-setting", $"Recovery__MaxRestoreSeconds={RestoreSeconds}",
            ],
            StateDirectory);
        Gateway = new HttpClient { BaseAddress = Stack.GatewayEndpoint(), Timeout = TimeSpan.FromMinutes(2) };
        Gateway.DefaultRequestHeaders.Add("X-API-Key", Stack.ApiKey);
    }

    public MySqlConnection OpenDatabase()
    {
        var connection = new MySqlConnection(Stack.DatabaseConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Sends a batch, waiting out backpressure as its Retry-After asks.</summary>
    public async Task PostAsync(string path, object body)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            using var response = await Gateway.PostAsJsonAsync(path, body);
            if (response.StatusCode == System.Net.HttpStatusCode.Accepted)
            {
                return;
            }

            Assert.True(
                response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline,
                $"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    public async Task FlushAsync()
    {
        using var response = await Gateway.PostAsync("/api/v1/persistence/flush?timeout_ms=120000", null);
        Assert.True(response.IsSuccessStatusCode, $"flush answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }

        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for inspection; it is under the temp folder.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConstrainedStackDefinition : ICollectionFixture<ConstrainedStackFixture>
{
    public const string Name = "constrained stack";
}
