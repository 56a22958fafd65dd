using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Gateway.Hardening;

public static class HardeningExtensions
{
    public static IHostApplicationBuilder AddRequestHardening(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RequestLimitOptions>()
            .BindConfiguration(RequestLimitOptions.SectionName)
            .ValidateProblems(options => options.Problems())
            .ValidateOnStart();
        builder.Services.AddOptions<TrustedProxyOptions>()
            .BindConfiguration(TrustedProxyOptions.SectionName)
            .ValidateProblems(options => options.Problems())
            .ValidateOnStart();
        builder.Services.AddSingleton<IConfigureOptions<ForwardedHeadersOptions>, ConfigureForwardedHeaders>();
        builder.Services.AddSingleton<IConfigureOptions<KestrelServerOptions>, ConfigureKestrelLimits>();
        builder.Services.AddSingleton<RequestLimitMiddleware>();
        builder.Services.AddSingleton<SecurityHeadersMiddleware>();
        builder.Services.AddProblemResponses();
        return builder;
    }

    /// <summary>
    /// The client's address from a trusted proxy first (everything after reads it), then security headers on
    /// everything, problem+json for errors (never a stack trace), size limits.
    /// </summary>
    public static IApplicationBuilder UseRequestHardening(this IApplicationBuilder app) =>
        app.UseForwardedHeaders()
            .UseMiddleware<SecurityHeadersMiddleware>()
            .UseExceptionHandler()
            .UseStatusCodePages()
            .UseMiddleware<RequestLimitMiddleware>();

    private sealed class ConfigureForwardedHeaders(IOptions<TrustedProxyOptions> trusted) : IConfigureOptions<ForwardedHeadersOptions>
    {
        public void Configure(ForwardedHeadersOptions options)
        {
            var settings = trusted.Value;
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = settings.ForwardLimit;
            // The framework trusts loopback by default; only what is configured is trusted here.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in settings.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        }
    }

    private sealed class ConfigureKestrelLimits(IOptions<RequestLimitOptions> options) : IConfigureOptions<KestrelServerOptions>
    {
        public void Configure(KestrelServerOptions kestrel)
        {
            var limits = options.Value;
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalBytes;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(limits.RequestHeadersTimeoutSeconds);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(limits.KeepAliveTimeoutSeconds);
            kestrel.Limits.MinRequestBodyDataRate = limits.MinRequestBodyBytesPerSecond == 0
                ? null
                : new MinDataRate(limits.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5));
        }
    }
}
