using Gateway.ApiKeys;
using Gateway.RateLimits;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;

namespace Gateway.Proxy;

public static class ProxyExtensions
{
    /// <summary>The YARP routes, clusters, load balancing and health checks live in this configuration section.</summary>
    public const string SectionName = "ReverseProxy";

    public static IHostApplicationBuilder AddPersistenceProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InternalAuthenticationOptions>()
            .BindConfiguration(InternalCallers.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection(SectionName))
            // A destination addressed by service name (http://persistence-api) becomes one destination per replica
            // (services__persistence-api__http__0, ... in configuration, DNS in a cluster), so the active health
            // checks probe each replica; YARP resolves again when discovery signals a change.
            .AddServiceDiscoveryDestinationResolver()
            .AddTransforms(context => context.AddRequestTransform(transform =>
            {
                var headers = transform.ProxyRequest.Headers;
                // The caller's secret stays at the door; what a client claims about itself is never passed on.
                headers.Remove(ApiKeyAuthenticationHandler.HeaderName);
                headers.Remove(HeaderNames.Authorization);
                headers.Remove(InternalCallers.CredentialHeader);
                headers.Remove(InternalCallers.KeyIdHeader);

                var credential = transform.HttpContext.RequestServices
                    .GetRequiredService<IOptionsMonitor<InternalAuthenticationOptions>>().CurrentValue.Credential;
                if (!string.IsNullOrEmpty(credential))
                {
                    headers.TryAddWithoutValidation(InternalCallers.CredentialHeader, credential);
                }

                if (transform.HttpContext.AuthenticatedKey() is { } key)
                {
                    headers.TryAddWithoutValidation(InternalCallers.KeyIdHeader, key.Id);
                }

                return ValueTask.CompletedTask;
            }));
        builder.Services.AddSingleton<RetryOnConnectFailureMiddleware>();
        return builder;
    }

    /// <summary>The proxy, with each request drawn from its key's rate-limit buckets before it is balanced.</summary>
    public static IEndpointRouteBuilder MapPersistenceProxy(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<RateLimitMiddleware>();
            proxy.UseSessionAffinity();
            // Before balancing, so a retry balances again over the replicas not yet tried.
            proxy.UseMiddleware<RetryOnConnectFailureMiddleware>();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return endpoints;
    }
}
