using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Persistence.Contracts;

namespace Persistence.Client.Writing;

/// <summary>
/// One record kind's bounded queue and its single sending loop: batches by size and time, resends a batch until it is
/// accepted (the API is idempotent, so a resend of a batch that did land is harmless), and accounts for every record
/// it took as either delivered or given up. A record is serialized when it is taken: what the queue holds is a copy
/// that owns its JSON (a caller may dispose the document a <see cref="JsonElement"/> came from), whose size counts
/// against <see cref="PersistenceWriterOptions.CapacityBytes"/>; one that cannot be serialized is reported rejected
/// at once instead of blocking every record behind it.
/// </summary>
internal sealed class BatchQueue<T>
    where T : class
{
    private readonly Channel<(T Record, int Bytes)> _channel;
    private readonly JsonTypeInfo<T> _json;
    private readonly string _kind;
    private readonly PersistenceWriterOptions _options;
    private readonly Func<IReadOnlyList<T>, CancellationToken, Task> _send;
    private readonly Action<IReadOnlyList<T>, UndeliveredReason, Exception?> _giveUp;
    private readonly TimeProvider _time;
    private readonly WriterMetrics _metrics;
    private readonly KeyValuePair<string, object?> _tag;
    private readonly ILogger _logger;
    private TaskCompletionSource _settledSignal = NewSignal();
    private TaskCompletionSource _roomSignal = NewSignal();
    private long _queuedBytes;
    private long _taken;
    private long _settled;
    private Task _loop = Task.CompletedTask;

    public BatchQueue(
        string kind, PersistenceWriterOptions options, JsonTypeInfo<T> json, Func<IReadOnlyList<T>, CancellationToken, Task> send,
        Action<IReadOnlyList<T>, UndeliveredReason, Exception?> giveUp, TimeProvider time, WriterMetrics metrics, ILogger logger)
    {
        _kind = kind;
        _json = json;
        _options = options;
        _send = send;
        _giveUp = giveUp;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _tag = new("kind", kind);
        _channel = Channel.CreateBounded<(T, int)>(new BoundedChannelOptions(options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Records taken and not yet delivered or given up.</summary>
    public long Outstanding => Volatile.Read(ref _taken) - Volatile.Read(ref _settled);

    public void Start(CancellationToken abandon) => _loop = Task.Run(() => RunAsync(abandon), CancellationToken.None);

    /// <summary>Bytes of serialized records queued (not those in flight).</summary>
    public long QueuedBytes => Volatile.Read(ref _queuedBytes);

    public bool TryEnqueue(T record)
    {
        if (Detach(record) is not { } copy)
        {
            return true;
        }

        if (HasByteRoom(copy.Bytes) && TryTake(copy))
        {
            return true;
        }

        _metrics.Refused.Add(1, _tag);
        return false;
    }

    public async ValueTask<bool> EnqueueAsync(T record, CancellationToken cancellationToken)
    {
        if (Detach(record) is not { } copy)
        {
            return true;
        }

        if (HasByteRoom(copy.Bytes) && TryTake(copy))
        {
            return true;
        }

        if (_options.FullMode == BufferFullMode.Refuse || _channel.Reader.Completion.IsCompleted)
        {
            _metrics.Refused.Add(1, _tag);
            return false;
        }

        // Room in bytes first, then in records (the channel's own wait).
        while (!HasByteRoom(copy.Bytes))
        {
            var room = Volatile.Read(ref _roomSignal).Task;
            if (HasByteRoom(copy.Bytes))
            {
                break;
            }

            await Task.WhenAny(room, _channel.Reader.Completion).WaitAsync(cancellationToken);
            if (_channel.Reader.Completion.IsCompleted)
            {
                _metrics.Refused.Add(1, _tag);
                return false;
            }
        }

        Interlocked.Increment(ref _taken);
        Interlocked.Add(ref _queuedBytes, copy.Bytes);
        try
        {
            await _channel.Writer.WriteAsync(copy, cancellationToken);
            return true;
        }
        catch (ChannelClosedException)
        {
            Interlocked.Decrement(ref _taken);
            Interlocked.Add(ref _queuedBytes, -copy.Bytes);
            _metrics.Refused.Add(1, _tag);
            return false;
        }
        catch
        {
            Interlocked.Decrement(ref _taken);
            Interlocked.Add(ref _queuedBytes, -copy.Bytes);
            throw;
        }
    }

    private bool TryTake((T Record, int Bytes) copy)
    {
        // Counted before the write: the loop may deliver (and settle) the record before TryWrite returns.
        Interlocked.Increment(ref _taken);
        Interlocked.Add(ref _queuedBytes, copy.Bytes);
        if (_channel.Writer.TryWrite(copy))
        {
            return true;
        }

        Interlocked.Decrement(ref _taken);
        Interlocked.Add(ref _queuedBytes, -copy.Bytes);
        return false;
    }

    /// <summary>A record larger than the whole bound still goes into an empty queue, or it could never be sent.</summary>
    private bool HasByteRoom(int bytes)
    {
        var queued = Volatile.Read(ref _queuedBytes);
        return queued == 0 || queued + bytes <= _options.CapacityBytes;
    }

    /// <summary>
    /// The record as the API will read it, owning its JSON, with its size; null when it cannot be serialized (a
    /// disposed document, a value JSON cannot hold), which is then reported rejected, taken and settled at once.
    /// </summary>
    private (T Record, int Bytes)? Detach(T record)
    {
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(record, _json);
            return (JsonSerializer.Deserialize(bytes, _json) ?? record, bytes.Length);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or JsonException or NotSupportedException or ArgumentException)
        {
            Interlocked.Increment(ref _taken);
            GiveUp([record], UndeliveredReason.Rejected, ex);
            return null;
        }
    }

    private T Take((T Record, int Bytes) queued)
    {
        Interlocked.Add(ref _queuedBytes, -queued.Bytes);
        Interlocked.Exchange(ref _roomSignal, NewSignal()).TrySetResult();
        return queued.Record;
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

                var settledBefore = Volatile.Read(ref _settled);
                try
                {
                    if (!await DeliverAsync(batch, abandon))
                    {
                        GiveUpQueued([]);
                        return;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !abandon.IsCancellationRequested)
                {
                    // Never expected; yet a loop that faults would deliver and report nothing again. The batch's
                    // unsettled part (its settled part is always a prefix) is reported and the loop goes on.
                    var unsettled = batch.Skip((int)Math.Min(batch.Count, Volatile.Read(ref _settled) - settledBefore)).ToList();
                    if (unsettled.Count > 0)
                    {
                        GiveUp(unsettled, UndeliveredReason.Rejected, ex);
                    }
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
        while (_channel.Reader.TryRead(out var queued))
        {
            inHand.Add(Take(queued));
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
            if (_channel.Reader.TryRead(out var queued))
            {
                batch.Add(Take(queued));
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
                // Any Retry-After is believed up to MaxRetryDelay: a server (or proxy) asking for days would otherwise
                // hold the batch, and everything queued behind it, that long.
                wait = ex.RetryAfter is { } asked ? Clamp(asked) : Backoff(attempt);
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
            catch (Exception ex) when (IsClientSide(ex))
            {
                // Resending cannot help a record this process cannot serialize.
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

    private static bool IsClientSide(Exception ex) =>
        ex is ObjectDisposedException or JsonException or NotSupportedException
        || ex.InnerException is ObjectDisposedException or JsonException or NotSupportedException;

    private TimeSpan Clamp(TimeSpan asked) =>
        asked < TimeSpan.Zero ? TimeSpan.Zero : asked > _options.MaxRetryDelay ? _options.MaxRetryDelay : asked;

    /// <summary>Counted from 0 here: the first resend waits about <see cref="PersistenceWriterOptions.RetryBaseDelay"/>.</summary>
    private TimeSpan Backoff(int attempt) => RetryBackoff.Delay(attempt + 1, _options.RetryBaseDelay, _options.MaxRetryDelay);

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
