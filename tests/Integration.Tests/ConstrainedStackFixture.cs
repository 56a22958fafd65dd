using System.Net.Http.Json;

namespace Integration.Tests;

/// <summary>
/// A stack of its own with one of each process and tight limits: a high-water mark a few batches pass, so the door
/// can be shut on purpose, and one restore at a time per replica for at most a few seconds.
/// </summary>
public sealed class ConstrainedStackFixture : StackFixture
{
    public const int HighWater = 5000;

    public const int RestoreSeconds = 3;

    protected override IEnumerable<string> StackArguments =>
    [
        "--replicas", "1", "--workers", "1", "--gateways", "1",
        .. AppHost.StackOptions.BackpressureWaterMarks(HighWater, HighWater / 2),
        "--api-setting", "Backpressure__RefreshIntervalMs=50",
        "--api-setting", "Recovery__MaxConcurrentRestores=1",
        "--api-setting", $"Recovery__MaxRestoreSeconds={RestoreSeconds}",
    ];

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
}

[CollectionDefinition(Name)]
public sealed class ConstrainedStackDefinition : ICollectionFixture<ConstrainedStackFixture>
{
    public const string Name = "constrained stack";
}
