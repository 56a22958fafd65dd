using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Persistence.Client.Writing;
using Persistence.Contracts;

namespace Persistence.Client.Sample;

/// <summary>
/// A translation back end's hot path: every state change goes to the buffered writer without waiting. At the end it
/// waits for the writer and the flush barrier, reads the session back and prints what the platform holds; the exit
/// code says whether every task arrived.
/// </summary>
public sealed class SimulatedBackEnd(
    PersistenceWriter writer, PersistenceClient client, IOptions<SimulationOptions> options, IHostApplicationLifetime lifetime, TimeProvider time)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var simulation = options.Value;
        var started = time.GetUtcNow();
        try
        {
            await writer.EnqueueSessionAsync(Session(simulation, "processing", 0, started), stoppingToken);
            for (var i = 0; i < simulation.Tasks; i++)
            {
                await writer.EnqueueTaskAsync(Task(simulation.SessionId, i, "pending", null, started), stoppingToken);
            }

            // Later versions of the same rows: the newest updated_at wins, whatever order the batches land in.
            for (var i = 0; i < simulation.Tasks; i++)
            {
                await writer.EnqueueTaskAsync(Task(simulation.SessionId, i, "completed", $"[fr] {i}", started.AddSeconds(1)), stoppingToken);
            }

            await writer.EnqueueSessionAsync(Session(simulation, "completed", simulation.Tasks, started.AddSeconds(2)), stoppingToken);

            await writer.FlushAsync(stoppingToken);
            await client.FlushAllAsync(TimeSpan.FromSeconds(30), stoppingToken);
            var stored = await client.GetSessionAsync(simulation.SessionId, cancellationToken: stoppingToken);
            var completed = stored?.Tasks?.ByStatus.GetValueOrDefault("completed") ?? 0;
            await Console.Out.WriteLineAsync($"session {simulation.SessionId}: {stored?.Status ?? "missing"}, {completed} of {simulation.Tasks} tasks completed");
            Environment.ExitCode = stored?.Status == "completed" && completed == simulation.Tasks ? 0 : 1;
        }
        catch (Exception ex) when (ex is PersistenceApiException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"sample failed: {ex.Message}");
            Environment.ExitCode = 2;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private static SessionRecord Session(SimulationOptions simulation, string status, int completed, DateTimeOffset at) => new()
    {
        SessionId = simulation.SessionId,
        Status = status,
        SourceLang = "en",
        TargetLangs = ["fr"],
        TotalTasks = simulation.Tasks,
        CompletedTasks = completed,
        FailedTasks = 0,
        CreatedAt = at,
        UpdatedAt = at,
    };

    private static TaskRecord Task(string sessionId, int index, string status, string? translation, DateTimeOffset at) => new()
    {
        TaskId = $"{sessionId}-t{index}",
        SessionId = sessionId,
        Status = status,
        SourceLang = "en",
        TargetLang = "fr",
        SourceText = $"text {index}",
        TranslatedText = translation,
        Attempts = translation is null ? 0 : 1,
        CreatedAt = at,
        UpdatedAt = at,
    };
}
