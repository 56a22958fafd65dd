using System.Text.Json;
using AppHost;
using Integration.Tests.Translations;

namespace Integration.Tests;

/// <summary>
/// A stack of its own for the tests that kill, stop, restart, reshard or reconfigure its processes, with the dashboard
/// on, as `dotnet run --project AppHost` runs it. Every such test leaves the stack running and readable when it ends
/// (the layout may have another shard count), so they can share it; none shares with the tests that expect a stack
/// nobody disturbs.
/// </summary>
public sealed class IsolatedStackFixture : StackFixture, IDisposable
{
    /// <summary>The OpenAI-compatible engine the workers may be switched to at run time.</summary>
    public FakeChatCompletions Engine { get; } = new();

    protected override bool WithDashboard => true;

    protected override IEnumerable<string> StackArguments =>
    [
        .. Arguments,
        // A reshard is noticed within moments instead of the production poll interval.
        "--api-setting", "Streams__LayoutPollIntervalMs=200",
        "--worker-setting", "Streams__LayoutPollIntervalMs=200",
        "--worker-setting", $"Processing__OpenAi__BaseUrl={Engine.BaseUrl}",
        "--worker-setting", "Processing__OpenAi__ApiKey=test-key",
        "--worker-setting", $"Processing__OpenAi__Model={FakeChatCompletions.Model}",
        "--worker-setting", "Processing__OpenAi__MaxRetries=0",
    ];

    /// <summary>Writes the workers' settings file as an operator would: whole, then moved into place.</summary>
    public async Task WriteWorkerSettingsAsync(object settings)
    {
        var path = WorkerSettings.FilePath(StateDirectory);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(settings));
        File.Move(temporary, path, overwrite: true);
    }

    public void Dispose() => Engine.Dispose();
}

[CollectionDefinition(Name)]
public sealed class IsolatedStackDefinition : ICollectionFixture<IsolatedStackFixture>
{
    public const string Name = "isolated stack";
}
