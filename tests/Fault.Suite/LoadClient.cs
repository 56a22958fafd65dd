using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Fault.Suite;

/// <summary>
/// Steady load through the gateway: each sender posts task batches at its share of the rate and resends a batch until
/// it is accepted, as a correct client must. Only a 202 enters the ledger. The records follow the load's shape
/// (<see cref="LoadShape"/>).
/// </summary>
public sealed class LoadClient(HttpClient gateway, string prefix, FaultOptions options)
{
    private static readonly DateTime Epoch = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Statuses = ["pending", "processing", "completed"];
    private static readonly string[] FailingOnce = ["pending", "processing", "failed", "processing", "completed"];

    private long _clock;

    public Ledger Ledger { get; } = new();

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, options.Senders).Select(sender => Task.Run(() => SendAsync(sender, stop), CancellationToken.None)));

    private async Task SendAsync(int sender, CancellationToken stop)
    {
        var next = options.Shape == LoadShape.Lifecycle ? LifecycleBatches(sender) : MixedBatches(sender);
        var interval = TimeSpan.FromSeconds(options.BatchSize / Math.Max(1.0, (double)options.RecordsPerSecond / options.Senders));
        var due = DateTime.UtcNow;
        while (!stop.IsCancellationRequested)
        {
            var batch = next();
            if (await PostUntilAcceptedAsync(batch.Select(b => b.Record).ToList(), stop))
            {
                Ledger.Accept(batch.Select(b => (b.Id, b.UpdatedAt)));
            }

            due += interval;
            var wait = due - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, CancellationToken.None);
            }
            else
            {
                due = DateTime.UtcNow;
            }
        }
    }

    /// <summary>New records mixed with newer versions of earlier ones, in any status, long after them or not.</summary>
    private Func<List<State>> MixedBatches(int sender)
    {
        var random = new Random(sender);
        var known = new List<string>();
        return () =>
        {
            var batch = new List<State>(options.BatchSize);
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

                batch.Add(Next(id, sender, Statuses[random.Next(Statuses.Length)]));
            }

            return batch;
        };
    }

    /// <summary>
    /// The seeds' task lifecycle: every task in flight moves on by one status in each batch of its sender (pending,
    /// processing, completed; one in twenty failed and processing again first), and new pending tasks fill the rest.
    /// A task's states are a batch apart, so a flusher's read holds several states of one key: the fault hits
    /// coalescing, not only single writes.
    /// </summary>
    private Func<List<State>> LifecycleBatches(int sender)
    {
        var inFlight = new Queue<(string Id, string[] Statuses, int Step)>();
        var started = 0;
        return () =>
        {
            var batch = new List<State>(options.BatchSize);
            for (var moving = inFlight.Count; moving > 0 && batch.Count < options.BatchSize; moving--)
            {
                var (id, statuses, step) = inFlight.Dequeue();
                batch.Add(Next(id, sender, statuses[step]));
                if (step + 1 < statuses.Length)
                {
                    inFlight.Enqueue((id, statuses, step + 1));
                }
            }

            while (batch.Count < options.BatchSize)
            {
                var id = $"{prefix}-{sender}-{started}";
                batch.Add(Next(id, sender, "pending"));
                inFlight.Enqueue((id, started++ % 20 == 19 ? FailingOnce : Statuses, 1));
            }

            return batch;
        };
    }

    private State Next(string id, int sender, string status)
    {
        var updatedAt = Epoch.AddTicks(Interlocked.Increment(ref _clock) * 10);
        return new State(id, updatedAt, TaskRecord(id, sender, status, updatedAt));
    }

    private sealed record State(string Id, DateTime UpdatedAt, Dictionary<string, object?> Record);

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
