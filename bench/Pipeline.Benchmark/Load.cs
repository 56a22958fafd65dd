using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Pipeline.Benchmark;

/// <summary>Where a load goes: a client with its headers set, and the batch path.</summary>
public sealed class Target(string name, IReadOnlyList<Uri> baseAddresses, IReadOnlyDictionary<string, string> headers) : IDisposable
{
    public const string TasksPath = "/api/v1/persistence/tasks/batch";

    private readonly List<HttpClient> _clients = [.. baseAddresses.Select(a => Create(a, headers))];
    private long _next;

    public string Name { get; } = name;

    /// <summary>Round robin over the addresses, as the gateway balances over the replicas.</summary>
    public HttpClient Next() => _clients[(int)((Interlocked.Increment(ref _next) - 1) % _clients.Count)];

    public void Dispose() => _clients.ForEach(c => c.Dispose());

    private static HttpClient Create(Uri baseAddress, IReadOnlyDictionary<string, string> headers)
    {
        // A generous cap: an open loop against a stalled server would otherwise open a connection per pending send
        // until the process runs out of memory (seen at 11k req/s). A send queued for a connection still counts its
        // latency from its scheduled time, so the cap hides nothing.
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        foreach (var (name, value) in headers)
        {
            client.DefaultRequestHeaders.Add(name, value);
        }

        return client;
    }
}

/// <summary>One measured load phase.</summary>
public sealed record PhaseResult(
    string Target, string Mode, int BatchSize, int Concurrency, double OfferedRequestsPerSecond, double Seconds,
    long Requests, long Records, long Errors, double RequestsPerSecond, double RecordsPerSecond,
    double P50Ms, double P95Ms, double P99Ms, double MaxMs, string? FirstError);

/// <summary>
/// The client for every HTTP figure. Closed loop: N senders, each sending its next batch when the last is answered,
/// which finds the maximum. Open loop: sends are started on a clock whatever the answers do, and latency is taken
/// from the scheduled time, so a stalled server shows up as latency instead of silently slowing the client down
/// (coordinated omission).
/// </summary>
public sealed class Load(Payloads payloads, Ledger ledger)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<PhaseResult> ClosedAsync(Target target, int batchSize, int concurrency, TimeSpan duration, TimeSpan warmUp, CancellationToken cancellationToken)
    {
        var phase = new Phase();
        var clock = Stopwatch.StartNew();
        var measureFrom = warmUp;
        var end = warmUp + duration;
        var senders = Enumerable.Range(0, concurrency).Select(_ => Task.Run(
            async () =>
            {
                while (clock.Elapsed < end && !cancellationToken.IsCancellationRequested)
                {
                    var started = clock.Elapsed;
                    var outcome = await SendAsync(target, batchSize, null);
                    if (started >= measureFrom)
                    {
                        phase.Add(outcome, (clock.Elapsed - started).TotalMilliseconds, batchSize);
                    }
                }
            },
            cancellationToken));
        await Task.WhenAll(senders);
        return phase.Result(target.Name, "closed", batchSize, concurrency, 0, duration.TotalSeconds);
    }

    /// <summary>Starts <paramref name="requestsPerSecond"/> sends a second on a schedule; <paramref name="onAccepted"/> sees each 202.</summary>
    public async Task<PhaseResult> OpenAsync(
        Target target, int batchSize, double requestsPerSecond, TimeSpan duration, TimeSpan warmUp, CancellationToken cancellationToken,
        Action<string, TimeSpan>? onAccepted = null)
    {
        var phase = new Phase();
        if (!double.IsFinite(requestsPerSecond) || requestsPerSecond <= 0)
        {
            // A maximum in which every request failed leaves nothing to take a share of.
            return phase.Result(target.Name, "open", batchSize, 0, 0, duration.TotalSeconds);
        }

        var clock = Stopwatch.StartNew();
        var end = warmUp + duration;

        // The schedule runs on a thread of its own, sleeping until each send is due; the sends themselves run on the
        // thread pool. A late wake-up (a busy machine) starts every overdue send at once, bunching them as real
        // arrivals bunch, and each still counts its latency from its own scheduled time.
        var schedule = Task.Factory.StartNew(
            () =>
            {
                var inFlight = new List<Task>();
                for (long k = 0; !cancellationToken.IsCancellationRequested; k++)
                {
                    var scheduled = TimeSpan.FromSeconds(k / requestsPerSecond);
                    if (scheduled >= end)
                    {
                        break;
                    }

                    Pacer.SleepUntil(clock, scheduled);
                    var measured = scheduled >= warmUp;
                    inFlight.Add(Task.Run(
                        async () =>
                        {
                            var outcome = await SendAsync(target, batchSize, onAccepted is null || !measured ? null : (id => onAccepted(id, clock.Elapsed)));
                            if (measured)
                            {
                                phase.Add(outcome, (clock.Elapsed - scheduled).TotalMilliseconds, batchSize);
                            }
                        },
                        CancellationToken.None));
                    if (inFlight.Count > 1024)
                    {
                        inFlight.RemoveAll(t => t.IsCompleted);
                    }
                }

                return inFlight;
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        var inFlight = await schedule;
        await Task.WhenAll(inFlight);
        return phase.Result(target.Name, "open", batchSize, 0, requestsPerSecond, duration.TotalSeconds);
    }

    private async Task<Outcome> SendAsync(Target target, int batchSize, Action<string>? onAccepted)
    {
        var (body, firstId) = payloads.Batch(batchSize);
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = Json;
            using var response = await target.Next().PostAsync(Target.TasksPath, content, CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                ledger.Accept(batchSize);
                onAccepted?.Invoke(firstId);
                return Outcome.Accepted;
            }

            var error = $"HTTP {(int)response.StatusCode}: {Truncate(await response.Content.ReadAsStringAsync(CancellationToken.None))}";
            ledger.Fail(error);
            return new Outcome(false, error);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // A timeout may still have been accepted; the loss check reports rows beyond the ledger separately.
            ledger.Fail(ex.Message);
            return new Outcome(false, ex.Message);
        }
    }

    private static string Truncate(string text) => text.Length > 200 ? text[..200] : text;

    private sealed record Outcome(bool Ok, string? Error)
    {
        public static Outcome Accepted { get; } = new(true, null);
    }

    private sealed class Phase
    {
        private readonly Lock _lock = new();
        private readonly List<double> _latencies = [];
        private long _errors;
        private long _records;
        private string? _firstError;

        public void Add(Outcome outcome, double milliseconds, int batchSize)
        {
            lock (_lock)
            {
                _latencies.Add(milliseconds);
                if (outcome.Ok)
                {
                    _records += batchSize;
                }
                else
                {
                    _errors++;
                    _firstError ??= outcome.Error;
                }
            }
        }

        public PhaseResult Result(string target, string mode, int batchSize, int concurrency, double offered, double seconds)
        {
            lock (_lock)
            {
                _latencies.Sort();
                var requests = _latencies.Count - _errors;
                return new PhaseResult(
                    target, mode, batchSize, concurrency, offered, seconds, _latencies.Count, _records, _errors,
                    requests / seconds, _records / seconds,
                    Stats.Percentile(_latencies, 0.50), Stats.Percentile(_latencies, 0.95), Stats.Percentile(_latencies, 0.99),
                    _latencies.Count == 0 ? double.NaN : _latencies[^1], _firstError);
            }
        }
    }
}

/// <summary>Records answered 202 over the whole run, to compare with the rows in MySQL at the end.</summary>
public sealed class Ledger
{
    private long _accepted;
    private long _failed;
    private string? _firstFailure;

    /// <summary>The first failure of the run, warm-ups included (phases only report what they measured).</summary>
    public string? FirstFailure => _firstFailure;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Failed => Interlocked.Read(ref _failed);

    public void Accept(int records) => Interlocked.Add(ref _accepted, records);

    public void Fail(string reason)
    {
        Interlocked.Increment(ref _failed);
        Interlocked.CompareExchange(ref _firstFailure, reason, null);
    }
}

public static class Stats
{
    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
