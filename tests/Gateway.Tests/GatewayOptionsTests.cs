using Microsoft.Extensions.Options;

namespace Gateway.Tests;

/// <summary>A gateway misconfigured in several ways refuses to start and names every mistake with its value.</summary>
public sealed class GatewayOptionsTests
{
    [Fact]
    public void Every_bad_limit_proxy_and_bucket_is_named_with_its_value_at_start()
    {
        using var gateway = new InProcessGateway("http://127.0.0.1:1", new Dictionary<string, string?>
        {
            ["RequestLimits:MaxRequestHeaderCount"] = "0",
            ["RequestLimits:KeepAliveTimeoutSeconds"] = "-5",
            ["ForwardedHeaders:KnownProxies:0"] = "not-an-address",
            ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/99",
            ["RateLimits:Records:PerSecond"] = "0",
            ["RateLimits:KeyPrefix"] = "gateway:{x}:",
        });

        // Every section that fails start-up validation is reported together, each with all of its problems.
        var error = Assert.Throws<AggregateException>(() => gateway.CreateClient());
        var failures = string.Join('\n', error.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures));

        Assert.Contains("RequestLimits:MaxRequestHeaderCount must be between 1 and", failures, StringComparison.Ordinal);
        Assert.Contains("RequestLimits:KeepAliveTimeoutSeconds must be between 1 and 2147483647 (got -5)", failures, StringComparison.Ordinal);
        Assert.Contains("'not-an-address' is not an IP address", failures, StringComparison.Ordinal);
        Assert.Contains("'10.0.0.0/99' is not a network", failures, StringComparison.Ordinal);
        Assert.Contains("RateLimits:Records needs PerSecond > 0", failures, StringComparison.Ordinal);
        Assert.Contains("KeyPrefix must not contain", failures, StringComparison.Ordinal);
    }
}
