using System.Diagnostics.Metrics;
using System.Text.Json;
using Persistence.Api.Ingest;
using Persistence.Api.Streams;
using Persistence.Contracts;
using Persistence.Contracts.DeadLetters;
using StackExchange.Redis;

namespace Persistence.Api.DeadLetters;

/// <summary>
/// Reads the dead-letter stream and moves entries back to the stream they came from, into the shard the record's id
/// belongs to in today's layout. A replay appends the original record (with its trace context, caller and the id it
/// first arrived under) and deletes the dead letter. On one Redis both happen in one script, so an entry is never in
/// both places or in neither. On a cluster the shard and the dead letters sit in different slots: the append comes
/// first and the delete second, so a failure between them leaves the entry in both places, never in neither, and the
/// worker's version guard makes the second replay (like any replay of something already superseded) a no-op.
/// </summary>
public sealed class DeadLetterStore
{
    // Deletes the dead letter and appends its record in one step, and appends only if the delete found it, so two
    // operators replaying at once put the record back once.
    // KEYS: dead letters, target shard, its seal key, its backlog counter. A sealed shard refuses, like an ingest
    // append. The record goes back counted (its entry carries a count of 1), so the backlog includes it.
    private const string MoveScript = """
        if redis.call('EXISTS', KEYS[3]) == 1 then
          return redis.error_reply('SEALED ' .. KEYS[2])
        end
        if redis.call('XDEL', KEYS[1], ARGV[1]) == 1 then
          local id = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
          redis.call('INCRBY', KEYS[4], 1)
          return id
        end
        return false
        """;

    // The cluster's first half of a move: KEYS: target shard, its seal key, its backlog counter.
    private const string AppendScript = """
        if redis.call('EXISTS', KEYS[2]) == 1 then
          return redis.error_reply('SEALED ' .. KEYS[1])
        end
        local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV))
        redis.call('INCRBY', KEYS[3], 1)
        return id
        """;

    private readonly IConnectionMultiplexer _multiplexer;
    private readonly StreamLayoutMonitor _layout;

    private readonly IDatabase _redis;
    private readonly ILogger<DeadLetterStore> _logger;
    private readonly Counter<long> _replayed;
    private readonly Counter<long> _discarded;

    public DeadLetterStore(IConnectionMultiplexer redis, StreamLayoutMonitor layout, IMeterFactory meters, ILogger<DeadLetterStore> logger)
    {
        _multiplexer = redis;
        _layout = layout;
        _redis = redis.GetDatabase();
        _logger = logger;
        var meter = PersistenceTelemetry.CreateMeter(meters);
        _replayed = meter.CreateCounter<long>("persistence.dead_letters.replayed", "{record}", "Dead letters sent back to their stream.");
        _discarded = meter.CreateCounter<long>("persistence.dead_letters.discarded", "{record}", "Dead letters deleted by an operator.");
    }

    /// <summary>Oldest first, <paramref name="count"/> after <paramref name="after"/> (exclusive).</summary>
    public async Task<DeadLetterPage> ListAsync(StreamId? after, int count)
    {
        var start = after is { } cursor ? cursor.Next().ToString() : "-";
        var entries = await _redis.StreamRangeAsync(PersistenceStreams.DeadLetters, start, "+", count + 1);
        var items = entries.Take(count).Select(Describe).ToList();
        return new DeadLetterPage(items, entries.Length > count ? items[^1].Id : null);
    }

    public async Task<DeadLetter?> GetAsync(StreamId id)
    {
        var entries = await _redis.StreamRangeAsync(PersistenceStreams.DeadLetters, id.ToString(), id.ToString(), 1);
        return entries.Length == 0 ? null : Describe(entries[0]);
    }

    /// <summary>False when there is no such dead letter (or someone else replayed or deleted it first).</summary>
    public async Task<bool> ReplayAsync(StreamId id)
    {
        var entries = await _redis.StreamRangeAsync(PersistenceStreams.DeadLetters, id.ToString(), id.ToString(), 1);
        return entries.Length == 1 && await ReplayEntryAsync(entries[0]);
    }

    /// <summary>Replays every dead letter present when the call started, page by page.</summary>
    public async Task<ReplayResult> ReplayAllAsync(CancellationToken cancellationToken)
    {
        // Up to the newest entry now, so records dead-lettered again during the replay wait for the next call.
        var newest = await _redis.StreamRangeAsync(PersistenceStreams.DeadLetters, "-", "+", 1, Order.Descending);
        if (newest.Length == 0)
        {
            return new ReplayResult("replayed", 0, 0);
        }

        var end = newest[0].Id.ToString();
        long replayed = 0, skipped = 0;
        var start = "-";
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await _redis.StreamRangeAsync(PersistenceStreams.DeadLetters, start, end, 500);
            if (page.Length == 0)
            {
                break;
            }

            foreach (var entry in page)
            {
                if (await ReplayEntryAsync(entry))
                {
                    replayed++;
                }
                else
                {
                    skipped++;
                }
            }

            start = StreamId.Parse(page[^1].Id.ToString()).Next().ToString();
        }

        return new ReplayResult("replayed", replayed, skipped);
    }

    public async Task<bool> DeleteAsync(StreamId id)
    {
        var deleted = await _redis.StreamDeleteAsync(PersistenceStreams.DeadLetters, [id.ToString()]) == 1;
        if (deleted)
        {
            _discarded.Add(1);
            Log.DeadLetterDiscarded(_logger, id.ToString());
        }

        return deleted;
    }

    private async Task<bool> ReplayEntryAsync(StreamEntry entry)
    {
        var source = Destination(entry);
        if (source is null)
        {
            // Not something a stream can take back (e.g. written by hand); leave it for an operator to delete.
            Log.DeadLetterNotReplayable(_logger, entry.Id.ToString());
            return false;
        }

        string[] carried = [PersistenceStreams.Fields.Record, PersistenceStreams.Fields.TraceParent, PersistenceStreams.Fields.TraceState, PersistenceStreams.Fields.Caller];
        var fields = entry.Values.Where(v => carried.Contains((string?)v.Name)).ToList();
        // The first arrival: kept from an earlier replay, else the entry the worker dead-lettered.
        var arrivedAs = entry[PersistenceStreams.Fields.ArrivedAs];
        if (arrivedAs.IsNullOrEmpty)
        {
            arrivedAs = entry[PersistenceStreams.Fields.SourceId];
        }

        if (StreamId.TryParse((string?)arrivedAs, out var original))
        {
            fields.Add(new(PersistenceStreams.Fields.ArrivedAs, original.ToString()));
        }

        fields.Add(new(PersistenceStreams.Fields.Count, 1));

        var arguments = new RedisValue[1 + (fields.Count * 2)];
        arguments[0] = entry.Id;
        for (var i = 0; i < fields.Count; i++)
        {
            arguments[1 + (i * 2)] = fields[i].Name;
            arguments[2 + (i * 2)] = fields[i].Value;
        }

        if (!await MoveAsync(entry.Id, source, arguments))
        {
            return false;
        }

        _replayed.Add(1);
        Log.DeadLetterReplayed(_logger, entry.Id.ToString(), source);
        return true;
    }

    private async Task<bool> MoveAsync(RedisValue id, string target, RedisValue[] arguments)
    {
        RedisKey seal = StreamShards.SealKey(target);
        RedisKey backlog = BacklogCounter.Key(target);
        try
        {
            if (!_multiplexer.IsCluster())
            {
                return !(await _redis.ScriptEvaluateAsync(MoveScript, [PersistenceStreams.DeadLetters, target, seal, backlog], arguments)).IsNull;
            }

            await _redis.ScriptEvaluateAsync(AppendScript, [target, seal, backlog], arguments[1..]);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith(Ingest.AppendScript.SealedError, StringComparison.Ordinal))
        {
            throw new StreamSealedException(target, ex);
        }

        return await _redis.StreamDeleteAsync(PersistenceStreams.DeadLetters, [id]) == 1;
    }

    /// <summary>
    /// Where a dead letter goes back to: a sessions or tasks record to the shard its id hashes to now (the layout may
    /// have changed since it failed), a translation record to its stream; null for what no stream can take back.
    /// </summary>
    private string? Destination(StreamEntry entry)
    {
        var stream = StreamShards.StreamOf((string?)entry[PersistenceStreams.Fields.SourceStream] ?? "");
        var record = entry[PersistenceStreams.Fields.Record];
        if (stream is null || record.IsNull)
        {
            return null;
        }

        if (!StreamShards.Sharded.Contains(stream))
        {
            return stream;
        }

        if (_layout.Current is not { Switching: false } layout)
        {
            throw new StreamSealedException(stream, new InvalidOperationException($"The stream layout is {_layout.Current?.ToString() ?? "not yet known"}."));
        }

        return layout.Active.For(stream, RecordId(record, stream == PersistenceStreams.Sessions ? "session_id" : "task_id"));
    }

    /// <summary>The record's id, or null when it is not JSON with one: a poison record's shard does not matter.</summary>
    private static string? RecordId(RedisValue record, string property)
    {
        try
        {
            using var document = JsonDocument.Parse((byte[])record!);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(property, out var id)
                && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DeadLetter Describe(StreamEntry entry)
    {
        var raw = (string?)entry[PersistenceStreams.Fields.Record];
        JsonElement? record = null;
        if (raw is not null)
        {
            try
            {
                record = JsonDocument.Parse(raw).RootElement.Clone();
                raw = null;
            }
            catch (JsonException)
            {
                // Not JSON (that may be why it is here): shown as the raw text.
            }
        }

        return new DeadLetter(
            entry.Id.ToString(),
            (string?)entry[PersistenceStreams.Fields.SourceStream],
            (string?)entry[PersistenceStreams.Fields.SourceId],
            (string?)entry[PersistenceStreams.Fields.Reason],
            (long?)entry[PersistenceStreams.Fields.Deliveries],
            (string?)entry[PersistenceStreams.Fields.DeadLetteredAt],
            (string?)entry[PersistenceStreams.Fields.Caller],
            record,
            raw);
    }
}
