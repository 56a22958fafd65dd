using System.Diagnostics;
using Persistence.Client;
using Persistence.Client.Writing;

namespace Pipeline.Benchmark.Lifecycle;

/// <summary>
/// The back ends that send the lifecycle: each one the SDK's <see cref="PersistenceWriter"/> (batches of up to
/// <c>batchSize</c> records or 200 ms, one request in flight per record kind) over its own HTTP client. A full queue
/// makes the session that enqueues wait, which is how a design slower than the offered load slows the load down
/// instead of piling it up in the client. Every request's time is kept: the ingest latency a back end sees.
/// </summary>
public sealed class WriterPool : IAsyncDisposable
{
    /// <summary>Records each writer holds per kind before an enqueue waits.</summary>
    public const int Capacity = 20_000;

    private readonly List<HttpClient> _clients = [];
    private readonly List<PersistenceWriter> _writers = [];
    private readonly RequestTimer _timer = new();
    private long _undelivered;

    public WriterPool(Uri baseAddress, IReadOnlyDictionary<string, string> headers, int writers, int batchSize)
    {
        for (var i = 0; i < writers; i++)
        {
            var http = new HttpClient(new RequestTiming(_timer) { InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan } })
            {
                BaseAddress = baseAddress,
                Timeout = TimeSpan.FromSeconds(30),
            };
            foreach (var (name, value) in headers)
            {
                http.DefaultRequestHeaders.Add(name, value);
            }

            var client = new PersistenceClient(http);
            _clients.Add(http);
            _writers.Add(new PersistenceWriter(() => client, new PersistenceWriterOptions
            {
                MaxBatchSize = batchSize,
                Capacity = Capacity,
                FullMode = BufferFullMode.Wait,
                ShutdownTimeout = TimeSpan.FromMinutes(5),
                OnUndelivered = records => Interlocked.Add(ref _undelivered, records.Count),
            }));
        }
    }

    /// <summary>Records the writers gave up on (refused by the API, or still held at a stop): must stay 0.</summary>
    public long Undelivered => Interlocked.Read(ref _undelivered);

    /// <summary>The writer of session number <paramref name="session"/>: all of a session's states go through one, in order.</summary>
    public PersistenceWriter For(long session) => _writers[(int)(session % _writers.Count)];

    /// <summary>Returns once every record enqueued so far was answered 202 (or given up).</summary>
    public Task FlushAsync() => Task.WhenAll(_writers.Select(w => w.FlushAsync()));

    /// <summary>The request times (ms, sorted) since the last call, and the requests that failed.</summary>
    public (List<double> Milliseconds, long Failed) TakeRequests() => _timer.Take();

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers)
        {
            await writer.DisposeAsync();
        }

        _clients.ForEach(c => c.Dispose());
    }

    private sealed class RequestTimer
    {
        private readonly Lock _lock = new();
        private List<double> _milliseconds = [];
        private long _failed;

        public void Add(double milliseconds, bool ok)
        {
            lock (_lock)
            {
                _milliseconds.Add(milliseconds);
                _failed += ok ? 0 : 1;
            }
        }

        public (List<double>, long) Take()
        {
            lock (_lock)
            {
                var taken = _milliseconds;
                var failed = _failed;
                _milliseconds = [];
                _failed = 0;
                taken.Sort();
                return (taken, failed);
            }
        }
    }

    /// <summary>Times each request from its send to its answer's headers.</summary>
    private sealed class RequestTiming(RequestTimer timer) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                timer.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds, response.IsSuccessStatusCode);
                return response;
            }
            catch
            {
                timer.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds, ok: false);
                throw;
            }
        }
    }
}
