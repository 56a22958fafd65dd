using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Persistence.Api.Draining;

/// <summary>
/// A replica taken out of the gateway's rotation before it is stopped: once draining, <c>/health</c> answers
/// Unhealthy, so the gateway's active health checks stop choosing it, while it still serves every request that
/// reaches it. The requests in flight and the time since the last one tell the operator when it is safe to stop.
/// </summary>
public sealed class ReplicaDrain(TimeProvider time) : IHealthCheck
{
    private long _inFlight;
    private long _lastRequestAt = time.GetTimestamp();
    private volatile bool _draining;

    public bool Draining => _draining;

    public void Start() => _draining = true;

    public void Stop() => _draining = false;

    public DrainStatus Status() => new(_draining, Interlocked.Read(ref _inFlight), (long)time.GetElapsedTime(Interlocked.Read(ref _lastRequestAt)).TotalMilliseconds);

    public void RequestStarted()
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Exchange(ref _lastRequestAt, time.GetTimestamp());
    }

    public void RequestFinished()
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Exchange(ref _lastRequestAt, time.GetTimestamp());
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_draining ? HealthCheckResult.Unhealthy("Draining: taken out of rotation before a stop.") : HealthCheckResult.Healthy());
}

/// <summary>What <c>/replica/drain</c> answers: whether the replica drains, the requests it still serves, and for how long none came.</summary>
public sealed record DrainStatus(
    [property: System.Text.Json.Serialization.JsonPropertyName("draining")] bool Draining,
    [property: System.Text.Json.Serialization.JsonPropertyName("in_flight")] long InFlight,
    [property: System.Text.Json.Serialization.JsonPropertyName("idle_ms")] long IdleMilliseconds);
