using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Gateway.Hardening;

public static class HardeningExtensions
{
    public static IHostApplicationBuilder AddRequestHardening(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RequestLimitOptions>()
            .BindConfiguration(RequestLimitOptions.SectionName)
            .Validate(options => options.Validate() is null, "Invalid RequestLimits; see RequestLimitOptions.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IConfigureOptions<KestrelServerOptions>, ConfigureKestrelLimits>();
        builder.Services.AddSingleton<RequestLimitMiddleware>();
        builder.Services.AddSingleton<SecurityHeadersMiddleware>();
        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>Security headers on everything, problem+json for errors (never a stack trace), size limits first.</summary>
    public static IApplicationBuilder UseRequestHardening(this IApplicationBuilder app) =>
        app.UseMiddleware<SecurityHeadersMiddleware>()
            .UseExceptionHandler()
            .UseStatusCodePages()
            .UseMiddleware<RequestLimitMiddleware>();

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
