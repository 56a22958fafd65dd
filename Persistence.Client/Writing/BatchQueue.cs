using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Persistence.Client.Writing;

/// <summary>
/// One record kind's bounded queue and its single sending loop: batches by size and time, resends a batch until it is
/// accepted (the API is idempotent, so a resend of a batch that did land is harmless), and accounts for every record
/// it took as either delivered or given up.
/// </summary>
internal sealed class BatchQueue<T>
{
    private readonly Channel<T> _channel;
    private readonly string _kind;
    private readonly PersistenceWriterOptions _options;
    private readonly Func<IReadOnlyList<T>, CancellationToken, Task> _send;
    private readonly Action<IReadOnlyList<T>, UndeliveredReason, Exception?> _giveUp;
    private readonly TimeProvider _time;
    private readonly WriterMetrics _metrics;
    private readonly KeyValuePair<string, object?> _tag;
    private readonly ILogger _logger;
    private TaskCompletionSource _settledSignal = NewSignal();
    private long _taken;
    private long _settled;
    private Task _loop = Task.CompletedTask;

    public BatchQueue(
        string kind, PersistenceWriterOptions options, Func<IReadOnlyList<T>, CancellationToken, Task> send,
        Action<IReadOnlyList<T>, UndeliveredReason, Exception?> giveUp, TimeProvider time, WriterMetrics metrics, ILogger logger)
    {
        _kind = kind;
        _options = options;
        _send = send;
        _giveUp = giveUp;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _tag = new("kind", kind);
        _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Records taken and not yet delivered or given up.</summary>
    public long Outstanding => Volatile.Read(ref _taken) - Volatile.Read(ref _settled);

    public void Start(CancellationToken abandon) => _loop = Task.Run(() => RunAsync(abandon), CancellationToken.None);

    public bool TryEnqueue(T record)
    {
        if (TryTake(record))
        {
            return true;
        }

        _metrics.Refused.Add(1, _tag);
        return false;
    }

    public async ValueTask<bool> EnqueueAsync(T record, CancellationToken cancellationToken)
    {
        if (TryTake(record))
        {
            return true;
        }

        if (_options.FullMode == BufferFullMode.Refuse || _channel.Reader.Completion.IsCompleted)
        {
            _metrics.Refused.Add(1, _tag);
            return false;
        }

        Interlocked.Increment(ref _taken);
        try
        {
            await _channel.Writer.WriteAsync(record, cancellationToken);
            return true;
        }
        catch (ChannelClosedException)
        {
            Interlocked.Decrement(ref _taken);
            _metrics.Refused.Add(1, _tag);
            return false;
        }
        catch
        {
            Interlocked.Decrement(ref _taken);
            throw;
        }
    }

    private bool TryTake(T record)
    {
        // Counted before the write: the loop may deliver (and settle) the record before TryWrite returns.
        Interlocked.Increment(ref _taken);
        if (_channel.Writer.TryWrite(record))
        {
            return true;
        }

        Interlocked.Decrement(ref _taken);
        return false;
    }

    /// <summary>Waits until every record taken before the call is delivered or given up.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = Volatile.Read(ref _taken);
        while (true)
        {
            var signal = Volatile.Read(ref _settledSignal).Task;
            if (Volatile.Read(ref _settled) >= target)
            {
                return;
            }

            await signal.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Takes no more records; the loop sends what is held and ends (or is abandoned by the token given to <see cref="Start"/>).</summary>
    public Task CompleteAsync()
    {
        _channel.Writer.TryComplete();
        return _loop;
    }

    private async Task RunAsync(CancellationToken abandon)
    {
        try
        {
            while (await _channel.Reader.WaitToReadAsync(abandon))
            {
                var batch = new List<T>(_options.MaxBatchSize);
                try
                {
                    await FillAsync(batch, abandon);
                }
                catch (OperationCanceledException) when (abandon.IsCancellationRequested)
                {
                    GiveUpQueued(batch);
                    return;
                }

                if (!await DeliverAsync(batch, abandon))
                {
                    GiveUpQueued([]);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            GiveUpQueued([]);
        }
    }

    /// <summary>After the shutdown timeout: what is in hand and what is queued are reported, not silently dropped.</summary>
    private void GiveUpQueued(List<T> inHand)
    {
        while (_channel.Reader.TryRead(out var record))
        {
            inHand.Add(record);
        }

        if (inHand.Count > 0)
        {
            GiveUp(inHand, UndeliveredReason.ShutdownTimeout, null);
        }
    }

    /// <summary>Takes records until the batch is full or its first record has waited <see cref="PersistenceWriterOptions.MaxBatchDelay"/>.</summary>
    private async Task FillAsync(List<T> batch, CancellationToken abandon)
    {
        var started = _time.GetTimestamp();
        while (batch.Count < _options.MaxBatchSize)
        {
            if (_channel.Reader.TryRead(out var record))
            {
                batch.Add(record);
                continue;
            }

            var left = _options.MaxBatchDelay - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero || _channel.Reader.Completion.IsCompleted)
            {
                return;
            }

            using var timer = new CancellationTokenSource(left, _time);
            using var window = CancellationTokenSource.CreateLinkedTokenSource(abandon, timer.Token);
            try
            {
                if (!await _channel.Reader.WaitToReadAsync(window.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!abandon.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Sends until the batch is accepted or given up: true, or false once abandoned (the batch then given up too).</summary>
    private async Task<bool> DeliverAsync(List<T> batch, CancellationToken abandon)
    {
        var attempt = 0;
        while (batch.Count > 0)
        {
            TimeSpan wait;
            string reason;
            try
            {
                await _send(batch, abandon);
                _metrics.Delivered.Add(batch.Count, _tag);
                Settle(batch.Count);
                return true;
            }
            catch (PersistenceApiException ex) when (ex.IsTransient)
            {
                wait = ex.RetryAfter ?? Backoff(attempt);
                reason = ((int)ex.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (PersistenceApiException ex) when (ex.StatusCode == HttpStatusCode.RequestEntityTooLarge && batch.Count > 1)
            {
                // Too many bytes for one request: each half goes on its own.
                var half = batch.Count / 2;
                if (!await DeliverAsync(batch[..half], abandon))
                {
                    GiveUp(batch[half..], UndeliveredReason.ShutdownTimeout, null);
                    return false;
                }

                return await DeliverAsync(batch[half..], abandon);
            }
            catch (PersistenceApiException ex) when (ex.StatusCode == HttpStatusCode.BadRequest && RejectedItems(ex, batch.Count) is { } rejected)
            {
                // The API takes all of a batch or nothing and names each bad record: those are given up, the rest resent at once.
                GiveUp([.. rejected.Order().Select(i => batch[i])], UndeliveredReason.Rejected, ex);
                batch = [.. batch.Where((_, i) => !rejected.Contains(i))];
                continue;
            }
            catch (PersistenceApiException ex)
            {
                GiveUp(batch, UndeliveredReason.Rejected, ex);
                return true;
            }
            catch (Exception ex)
            {
                if (abandon.IsCancellationRequested)
                {
                    GiveUp(batch, UndeliveredReason.ShutdownTimeout, null);
                    return false;
                }

                // The network, a timeout, an open circuit: the batch may or may not have landed, and a resend is harmless.
                wait = Backoff(attempt);
                reason = ex.GetType().Name;
            }

            attempt++;
            _metrics.Resends.Add(1, _tag);
            Log.Resending(_logger, batch.Count, _kind, reason, (long)wait.TotalMilliseconds, attempt);
            try
            {
                await Task.Delay(wait, _time, abandon);
            }
            catch (OperationCanceledException)
            {
                GiveUp(batch, UndeliveredReason.ShutdownTimeout, null);
                return false;
            }
        }

        return true;
    }

    private static HashSet<int>? RejectedItems(PersistenceApiException problem, int count)
    {
        var indices = problem.Errors.Select(e => e.Index).ToList();
        return indices.Count > 0 && indices.All(i => i is { } index && index >= 0 && index < count)
            ? [.. indices.Select(i => i!.Value)]
            : null;
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16));
        var capped = Math.Min(exponential, _options.MaxRetryDelay.TotalMilliseconds);
        // ±20 %, so writers that failed together do not come back together.
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private void GiveUp(List<T> records, UndeliveredReason reason, Exception? error)
    {
        Debug.Assert(records.Count > 0, "Only records in hand are given up.");
        _metrics.Undelivered.Add(records.Count, _tag, new("reason", reason.ToString()));
        Log.GaveUp(_logger, records.Count, _kind, reason, error);
        _giveUp(records, reason, error);
        Settle(records.Count);
    }

    private void Settle(int count)
    {
        Interlocked.Add(ref _settled, count);
        Interlocked.Exchange(ref _settledSignal, NewSignal()).TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
