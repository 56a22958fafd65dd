using System.Diagnostics.Metrics;

namespace Gateway.RateLimits;

public sealed class RateLimitMetrics
{
    public const string MeterName = "Persistence.Gateway";

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _unavailable;
    private readonly Counter<long> _authFailures;

    public RateLimitMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _decisions = meter.CreateCounter<long>("gateway.rate_limit.decisions", "{request}", "Rate-limit verdicts by bucket kind and outcome.");
        _unavailable = meter.CreateCounter<long>("gateway.rate_limit.unavailable", "{request}", "Requests decided by the failure mode because Redis did not answer.");
        _authFailures = meter.CreateCounter<long>("gateway.auth.failures", "{request}", "Requests refused for a missing, unknown, revoked or expired key.");
    }

    public void Decided(string bucket, bool allowed) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("bucket", bucket), new KeyValuePair<string, object?>("outcome", allowed ? "allowed" : "limited"));

    public void LimiterUnavailable(RateLimitFailureMode mode) =>
        _unavailable.Add(1, new KeyValuePair<string, object?>("mode", mode.ToString()));

    public void AuthenticationFailed(string reason) =>
        _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
