using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Persistence.Api.Monitoring;
using Persistence.Api.Streams;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Backpressure;

/// <summary>
/// Measures the un-flushed backlog and Redis memory in the background and decides whether ingest is open, so the
/// request path only reads a flag. If MySQL is down or slow the backlog grows; past the high-water mark the API
/// answers 503 instead of growing Redis until it runs out of memory.
/// </summary>
public sealed class BacklogMonitor : BackgroundService
{
    private readonly IConnectionMultiplexer _redis;
    private readonly IOptionsMonitor<BackpressureOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BacklogMonitor> _logger;
    private readonly PipelineGauges _gauges;
    private readonly StreamLayoutMonitor _layout;
    private readonly Counter<long> _refused;
    private volatile Snapshot _current = new(0, 0, false);

    public BacklogMonitor(
        IConnectionMultiplexer redis, StreamLayoutMonitor layout, IOptionsMonitor<BackpressureOptions> options, TimeProvider time, IMeterFactory meters, PipelineGauges gauges, ILogger<BacklogMonitor> logger)
    {
        _gauges = gauges;
        _layout = layout;
        _redis = redis;
        _options = options;
        _time = time;
        _logger = logger;
        var meter = PersistenceTelemetry.CreateMeter(meters);
        meter.CreateObservableGauge("persistence.ingest.backlog", () => _current.Backlog, "{record}", "Records accepted and not yet committed, as last measured.");
        meter.CreateObservableGauge("persistence.ingest.shedding", () => _current.Shedding ? 1 : 0, description: "1 while batches are refused for backpressure.");
        meter.CreateObservableGauge("persistence.redis.memory_used_ratio", () => _current.MemoryRatio, "1", "Redis used_memory over maxmemory, as last measured (of the fullest master on a cluster); 0 without a maxmemory.");
        _refused = meter.CreateCounter<long>("persistence.ingest.refused", "{batch}", "Batches refused with 503 for backpressure.");
    }

    public sealed record Snapshot(long Backlog, double MemoryRatio, bool Shedding);

    public Snapshot Current => _current;

    /// <summary>True when the batch must be refused; counts the refusal.</summary>
    public bool ShouldRefuse()
    {
        if (!_current.Shedding)
        {
            return false;
        }

        _refused.Add(1);
        return true;
    }

    /// <summary>
    /// The 503 to answer instead of appending <paramref name="what"/> while shedding, or null to go ahead. Every path
    /// that appends to the streams asks: any of them deepens the backlog the mark protects.
    /// </summary>
    public ProblemHttpResult? Refusal(HttpContext context, string what)
    {
        if (!ShouldRefuse())
        {
            return null;
        }

        return Problems.Unavailable(
            context,
            $"The backlog of {_current.Backlog} records not yet written to the database is over its high-water mark; nothing of the {what} was accepted. Retry the same {what}.");
    }

    /// <summary>One measurement and decision; the loop calls it, tests may too.</summary>
    public async Task RefreshAsync()
    {
        var database = _redis.GetDatabase();
        var streams = await StreamProgress.ReadAllAsync(database, _layout.DataStreams);
        var backlog = streams.Sum(p => p.UncommittedRecords);

        await _gauges.MeasureAsync(database, streams, _time.GetUtcNow());

        var memoryRatio = await MemoryRatioAsync();
        var settings = _options.CurrentValue;
        var previous = _current;
        var shedding = previous.Shedding
            ? backlog > settings.LowWaterEntries || memoryRatio > settings.LowWaterMemoryRatio
            : backlog >= settings.HighWaterEntries || memoryRatio >= settings.HighWaterMemoryRatio;
        _current = new Snapshot(backlog, memoryRatio, shedding);

        if (shedding && !previous.Shedding)
        {
            Log.SheddingStarted(_logger, backlog, memoryRatio);
        }
        else if (!shedding && previous.Shedding)
        {
            Log.SheddingStopped(_logger, backlog, memoryRatio);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Several Redis reads four times a second, whatever the load: traced, each would be a trace of its
                // own. The gauges carry what they measure.
                await UntracedPoll.RunAsync(RefreshAsync);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Redis is away: appends fail on their own with 503; keep the last decision until it answers again.
                // Never let the loop die: ingest would then never be throttled again.
                Log.StreamStateFailed(_logger, ex);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(_options.CurrentValue.RefreshIntervalMs), _time, stoppingToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// The fullest master's used_memory over its maxmemory. On a Redis Cluster each master has a maxmemory of its own
    /// and refuses writes to its slots once it is full while the others still take theirs, so the one nearest its limit
    /// decides; a single Redis is its own only master.
    /// </summary>
    private async Task<double> MemoryRatioAsync()
    {
        var fullest = 0.0;
        foreach (var server in _redis.GetServers().Where(s => !s.IsReplica))
        {
            // Through a script sent to that server: the client library reserves a plain INFO for admin connections,
            // which this is not, and a keyless script through the database would reach just one node of a cluster.
            var info = (string?)await server.ExecuteAsync("EVAL", "return redis.call('INFO', 'memory')", 0) ?? "";
            fullest = Math.Max(fullest, MemoryRatio(info));
        }

        return fullest;
    }

    private static double MemoryRatio(string info)
    {
        long used = 0, max = 0;
        foreach (var line in info.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("used_memory:", StringComparison.Ordinal))
            {
                used = long.Parse(line.AsSpan("used_memory:".Length), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("maxmemory:", StringComparison.Ordinal))
            {
                max = long.Parse(line.AsSpan("maxmemory:".Length), CultureInfo.InvariantCulture);
            }
        }

        return max > 0 ? (double)used / max : 0;
    }
}
