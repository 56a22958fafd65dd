using System.Diagnostics.Metrics;
using Gateway.RateLimits;

namespace Gateway.ApiKeys;

/// <summary>
/// Days until each key expires, scraped as <c>gateway_api_key_expiry_days{key_id}</c>; the alert
/// <c>GatewayApiKeyExpiringSoon</c> fires 14 days ahead. Revoked keys, keys without an expiry, and keys already replaced
/// by <c>rotate-key</c> (whose end is planned) are left out; an expired key still listed reads below zero.
/// </summary>
public sealed class ApiKeyExpiryGauge
{
    public const string InstrumentName = "gateway.api_key.expiry";

    public ApiKeyExpiryGauge(IMeterFactory meterFactory, ApiKeyStore keys, TimeProvider timeProvider)
    {
        var meter = meterFactory.Create(RateLimitMetrics.MeterName);
        meter.CreateObservableGauge(
            InstrumentName, () => Observe(keys.Keys, timeProvider.GetUtcNow()), "d",
            "Days until each API key not yet rotated expires; below zero once it has.");
    }

    public static IEnumerable<Measurement<double>> Observe(IEnumerable<ApiKey> keys, DateTimeOffset now) =>
        keys.Where(k => !k.Revoked && k.ReplacedBy is null && k.ExpiresAt is not null)
            .Select(k => new Measurement<double>((k.ExpiresAt!.Value - now).TotalDays, new KeyValuePair<string, object?>("key_id", k.Id)));
}
