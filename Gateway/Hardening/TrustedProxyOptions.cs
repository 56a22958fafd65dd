using System.Net;

namespace Gateway.Hardening;

/// <summary>
/// The load balancers or proxies in front of the gateway whose <c>X-Forwarded-For</c> is believed, so the failure
/// throttle sees each client's address rather than the balancer's. Nothing is trusted unless listed here: a client
/// that could name its own address could pick a fresh throttle bucket for every request.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; } = [];

    /// <summary>Networks of trusted proxies in CIDR form, e.g. <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; } = [];

    /// <summary>How many trusted hops are read back from the end of <c>X-Forwarded-For</c>.</summary>
    public int ForwardLimit { get; set; } = 1;

    public IEnumerable<string> Problems() =>
        KnownProxies.Where(p => !IPAddress.TryParse(p, out _)).Select(p => $"{SectionName}:KnownProxies: '{p}' is not an IP address.")
            .Concat(KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _))
                .Select(n => $"{SectionName}:KnownNetworks: '{n}' is not a network in CIDR form (e.g. 10.0.0.0/24)."))
            .Concat(ForwardLimit is < 1 or > 16 ? [$"{SectionName}:ForwardLimit must be between 1 and 16 (got {ForwardLimit})."] : []);
}
