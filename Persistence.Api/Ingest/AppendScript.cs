using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Ingest;

/// <summary>
/// Appends batches to their streams in one script call, after checking that no target shard is sealed: one entry per
/// batch, holding its records as one JSON array and their count (<see cref="EntryItems"/>), so Redis keeps, delivers,
/// propagates and acknowledges one entry per request and shard instead of one per record. The
/// <c>#!lua</c> line declares the script as one that writes, so a Redis over its maxmemory refuses it before the
/// first XADD rather than halfway through: the call lands whole or not at all, as MULTI/EXEC did. On a cluster one
/// call holds only streams of one hash slot.
/// </summary>
internal static class AppendScript
{
    public const string SealedError = "SEALED";

    // KEYS: seal key, stream and backlog counter per batch. ARGV: traceparent, tracestate, caller ('' when absent),
    // then per batch its record count and its records array. Returns the records appended.
    private const string Lua = """
        #!lua
        for i = 1, #KEYS, 3 do
          if redis.call('EXISTS', KEYS[i]) == 1 then
            return redis.error_reply('SEALED ' .. KEYS[i + 1])
          end
        end
        local extra = {}
        local names = { 'traceparent', 'tracestate', 'caller' }
        for i = 1, 3 do
          if ARGV[i] ~= '' then
            extra[#extra + 1] = names[i]
            extra[#extra + 1] = ARGV[i]
          end
        end
        local at = 4
        local appended = 0
        for i = 2, #KEYS, 3 do
          redis.call('XADD', KEYS[i], '*', 'records', ARGV[at + 1], 'n', ARGV[at], unpack(extra))
          redis.call('INCRBY', KEYS[i + 1], ARGV[at])
          appended = appended + tonumber(ARGV[at])
          at = at + 2
        end
        return appended
        """;

    public static async Task<long> RunAsync(IDatabaseAsync redis, IReadOnlyList<StreamBatch> batches, EntryContext context)
    {
        var keys = new RedisKey[batches.Count * 3];
        var values = new RedisValue[3 + (batches.Count * 2)];
        values[0] = context.TraceParent ?? "";
        values[1] = context.TraceState ?? "";
        values[2] = context.Caller ?? "";
        var at = 3;
        for (var i = 0; i < batches.Count; i++)
        {
            keys[3 * i] = StreamShards.SealKey(batches[i].Stream);
            keys[(3 * i) + 1] = batches[i].Stream;
            keys[(3 * i) + 2] = BacklogCounter.Key(batches[i].Stream);
            values[at++] = batches[i].Payloads.Count;
            values[at++] = EntryItems.Join(batches[i].Payloads);
        }

        try
        {
            return (long)await redis.ScriptEvaluateAsync(Lua, keys, values);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith(SealedError, StringComparison.Ordinal))
        {
            throw new StreamSealedException(ex.Message[(SealedError.Length + 1)..], ex);
        }
    }
}

/// <summary>The fields every entry of one request carries besides its record.</summary>
internal readonly record struct EntryContext(string? TraceParent, string? TraceState, string? Caller);
