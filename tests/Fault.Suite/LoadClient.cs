using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Fault.Suite;

/// <summary>
/// Steady load through the gateway: each sender posts task batches at its share of the rate, mixing new records with
/// newer versions of its earlier ones, and resends a batch until it is accepted, as a correct client must. Only a
/// 202 enters the ledger.
/// </summary>
public sealed class LoadClient(HttpClient gateway, string prefix, FaultOptions options)
{
    private static readonly DateTime Epoch = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Statuses = ["pending", "processing", "completed"];

    private long _clock;

    public Ledger Ledger { get; } = new();

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, options.Senders).Select(sender => Task.Run(() => SendAsync(sender, stop), CancellationToken.None)));

    private async Task SendAsync(int sender, CancellationToken stop)
    {
        var random = new Random(sender);
        var known = new List<string>();
        var interval = TimeSpan.FromSeconds(options.BatchSize / Math.Max(1.0, (double)options.RecordsPerSecond / options.Senders));
        var next = DateTime.UtcNow;
        while (!stop.IsCancellationRequested)
        {
            var batch = new List<(string Id, DateTime UpdatedAt, Dictionary<string, object?> Record)>(options.BatchSize);
            var inBatch = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < options.BatchSize; i++)
            {
                var update = known.Count > 0 && random.Next(10) < 3;
                var id = update ? known[random.Next(known.Count)] : $"{prefix}-{sender}-{known.Count}";
                if (!inBatch.Add(id))
                {
                    continue;
                }

                if (!update)
                {
                    known.Add(id);
                }

                var updatedAt = Epoch.AddTicks(Interlocked.Increment(ref _clock) * 10);
                batch.Add((id, updatedAt, TaskRecord(id, sender, Statuses[random.Next(Statuses.Length)], updatedAt)));
            }

            if (await PostUntilAcceptedAsync(batch.Select(b => b.Record).ToList(), stop))
            {
                Ledger.Accept(batch.Select(b => (b.Id, b.UpdatedAt)));
            }

            next += interval;
            var wait = next - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, CancellationToken.None);
            }
            else
            {
                next = DateTime.UtcNow;
            }
        }
    }

    private async Task<bool> PostUntilAcceptedAsync(List<Dictionary<string, object?>> tasks, CancellationToken stop)
    {
        while (true)
        {
            TimeSpan delay;
            try
            {
                using var response = await gateway.PostAsJsonAsync("/api/v1/persistence/tasks/batch", new { tasks }, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    return true;
                }

                if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
                {
                    throw new InvalidOperationException($"The suite sent an invalid batch: {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                }

                Ledger.Refused();
                delay = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(200);
            }
            catch (HttpRequestException)
            {
                Ledger.Failed();
                delay = TimeSpan.FromMilliseconds(200);
            }

            // Once the run is over an unanswered batch is dropped: it was never accepted, so nothing is owed for it.
            if (stop.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds, 1000)), CancellationToken.None);
        }
    }

    private static Dictionary<string, object?> TaskRecord(string id, int sender, string status, DateTime updatedAt) => new()
    {
        ["task_id"] = id,
        ["session_id"] = $"{id[..id.LastIndexOf('-')]}-s",
        ["batch_id"] = $"b{sender}",
        ["status"] = status,
        ["source_lang"] = "en",
        ["target_lang"] = "fr",
        ["source_text"] = "Fault suite " + id,
        ["translated_text"] = status == "completed" ? "Suite de pannes " + id : null,
        ["attempts"] = 1,
        ["metadata"] = new Dictionary<string, object>(),
        ["created_at"] = Epoch.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        ["updated_at"] = updatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
    };
}
