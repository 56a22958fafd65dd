using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Persistence.Contracts;

namespace Persistence.Client.Writing;

/// <summary>
/// A fire-and-forget writer for hot paths: enqueueing a record never waits on the network. Records are sent in batches
/// of up to <see cref="PersistenceWriterOptions.MaxBatchSize"/> or after <see cref="PersistenceWriterOptions.MaxBatchDelay"/>,
/// one batch in flight per kind; a failed batch is resent (waiting as <c>Retry-After</c> asks) until it is accepted, which
/// is safe because the API keeps each record's newest version by <c>updated_at</c>. Records the API refuses for good, and
/// those still held when a stop outlasts <see cref="PersistenceWriterOptions.ShutdownTimeout"/>, are reported to
/// <see cref="PersistenceWriterOptions.OnUndelivered"/> and counted in <c>persistence.client.writer.undelivered</c>.
/// </summary>
public sealed class PersistenceWriter : IAsyncDisposable
{
    /// <summary>The meter of the writer's instruments (<c>persistence.client.writer.*</c>).</summary>
    public const string MeterName = "Persistence.Client";

    private readonly PersistenceWriterOptions _options;
    private readonly ILogger _logger;
    private readonly WriterMetrics _metrics;
    private readonly BatchQueue<SessionRecord> _sessions;
    private readonly BatchQueue<TaskRecord> _tasks;
    private readonly CancellationTokenSource _abandon;
    private readonly Lock _stopping = new();
    private Task? _stopped;
    private long _undelivered;

    /// <summary>Starts a writer that sends through the client <paramref name="client"/> returns (called once per batch).</summary>
    public PersistenceWriter(
        Func<PersistenceClient> client, PersistenceWriterOptions options, TimeProvider? time = null, IMeterFactory? meterFactory = null,
        ILogger<PersistenceWriter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new PersistenceWriterOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        _options = options;
        _logger = logger ?? NullLogger<PersistenceWriter>.Instance;
        _metrics = new WriterMetrics(meterFactory);
        time ??= TimeProvider.System;
        _abandon = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _sessions = new BatchQueue<SessionRecord>(
            "sessions", options, PersistenceJsonContext.Default.SessionRecord, (batch, ct) => client().PersistSessionsAsync(batch, ct),
            (records, reason, error) => Report(new UndeliveredRecords(records, [], reason, error)), time, _metrics, _logger);
        _tasks = new BatchQueue<TaskRecord>(
            "tasks", options, PersistenceJsonContext.Default.TaskRecord, (batch, ct) => client().PersistTasksAsync(batch, ct),
            (records, reason, error) => Report(new UndeliveredRecords([], records, reason, error)), time, _metrics, _logger);
        _metrics.ObserveQueued(() =>
        [
            new(_sessions.Outstanding, new KeyValuePair<string, object?>("kind", "sessions")),
            new(_tasks.Outstanding, new KeyValuePair<string, object?>("kind", "tasks")),
        ]);
        _sessions.Start(_abandon.Token);
        _tasks.Start(_abandon.Token);
    }

    /// <summary>Records taken and not yet delivered or given up.</summary>
    public long Outstanding => _sessions.Outstanding + _tasks.Outstanding;

    /// <summary>Takes a session state without waiting: false when the queue is full or the writer stopped.</summary>
    public bool TryEnqueueSession(SessionRecord session) => _sessions.TryEnqueue(session);

    /// <summary>Takes a task state without waiting: false when the queue is full or the writer stopped.</summary>
    public bool TryEnqueueTask(TaskRecord task) => _tasks.TryEnqueue(task);

    /// <summary>
    /// Takes a session state; completes at once while there is room. With a full queue it waits for room
    /// (<see cref="BufferFullMode.Wait"/>) or returns false (<see cref="BufferFullMode.Refuse"/>); false too once stopped.
    /// </summary>
    public ValueTask<bool> EnqueueSessionAsync(SessionRecord session, CancellationToken cancellationToken = default) =>
        _sessions.EnqueueAsync(session, cancellationToken);

    /// <summary>Takes a task state, as <see cref="EnqueueSessionAsync"/> does.</summary>
    public ValueTask<bool> EnqueueTaskAsync(TaskRecord task, CancellationToken cancellationToken = default) =>
        _tasks.EnqueueAsync(task, cancellationToken);

    /// <summary>Waits until every record taken before the call is delivered (202) or reported undelivered.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(_sessions.FlushAsync(cancellationToken), _tasks.FlushAsync(cancellationToken));

    /// <summary>
    /// Takes no more records and sends what it holds, for at most <see cref="PersistenceWriterOptions.ShutdownTimeout"/>
    /// (or until <paramref name="cancellationToken"/>, a host's shutdown deadline); what is left then is reported undelivered.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_stopping)
        {
            _stopped ??= DrainAsync(cancellationToken);
            return _stopped;
        }
    }

    /// <summary>Stops as <see cref="StopAsync"/> does.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _abandon.Dispose();
        _metrics.Dispose();
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        _abandon.CancelAfter(_options.ShutdownTimeout);
        await using (cancellationToken.Register(_abandon.Cancel))
        {
            await Task.WhenAll(_sessions.CompleteAsync(), _tasks.CompleteAsync());
        }

        Log.Stopped(_logger, Interlocked.Read(ref _undelivered));
    }

    private void Report(UndeliveredRecords records)
    {
        Interlocked.Add(ref _undelivered, records.Count);
        try
        {
            _options.OnUndelivered?.Invoke(records);
        }
        catch (Exception ex)
        {
            Log.CallbackFailed(_logger, ex);
        }
    }
}
