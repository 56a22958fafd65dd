using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every service process starts from, in the shape of the Aspire service-defaults template so a
/// real Aspire AppHost can host these services unchanged.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>The header of every health answer naming the release the instance runs (<see cref="ReleaseSetting"/>).</summary>
    public const string ReleaseHeader = "X-Service-Release";

    /// <summary>Where the release comes from; the AppHost sets it (<c>Service__Release</c>) from the state folder's release file.</summary>
    public const string ReleaseSetting = "Service:Release";

    /// <summary>
    /// Prometheus scrapes here: on the service's own port beside the health endpoints, or on the port
    /// <see cref="MetricsEndpointOptions.Port"/> names; no gateway route leads to it.
    /// </summary>
    public const string MetricsEndpointPath = "/metrics";

    /// <summary>Health checks with this tag only tell that the process runs; the rest tell it can serve.</summary>
    public const string LiveTag = "live";

    /// <summary>Every ActivitySource and Meter of this product starts with this prefix.</summary>
    public const string TelemetryPrefix = "Persistence.";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddOptions<MetricsEndpointOptions>()
            .BindConfiguration(MetricsEndpointOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // A version banner only helps an attacker pick an exploit.
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MySqlConnector")
                .AddMeter(TelemetryPrefix + "*")
                // Pull next to the OTLP push: a Prometheus server needs no collector in between.
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                // Aspire sets OTEL_TRACES_SAMPLER=always_on for its projects, which would trace the children of an
                // unsampled parent too: every idle poll (UntracedPoll) would be a trace again. A sampler set here wins
                // over the variable; it keeps what the caller sampled and whatever starts a trace of its own.
                .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource("MySqlConnector")
                .AddSource(TelemetryPrefix + "*")
                .AddAspNetCoreInstrumentation(options =>
                    // Probes every few seconds from the gateway and the orchestrator would drown real traffic.
                    options.Filter = context => !context.Request.IsHealthProbe())
                .AddHttpClientInstrumentation(options =>
                    // The gateway's active health checks probe every replica every few seconds, each probe a trace.
                    options.FilterHttpRequestMessage = request => !IsHealthProbe(request.RequestUri)));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// A request for <c>/health</c>, <c>/alive</c> or <c>/metrics</c>, which orchestrators, the gateway and Prometheus
    /// send without credentials, every few seconds.
    /// </summary>
    public static bool IsHealthProbe(this HttpRequest request) => IsHealthProbe(request.Path);

    private static bool IsHealthProbe(Uri? uri) => uri is { IsAbsoluteUri: true } && IsHealthProbe(new PathString(uri.AbsolutePath));

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath) || path.StartsWithSegments(AlivenessEndpointPath)
        || path.StartsWithSegments(MetricsEndpointPath);

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        return builder;
    }

    /// <summary>
    /// <c>/alive</c>: the process answers. <c>/health</c>: every dependency answers too, so load balancers and the
    /// orchestrator send traffic only to instances that can serve it. <c>/metrics</c>: Prometheus text format.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Which release answers, so a rolling update can tell each instance has the new one (the AppHost sets it).
        var release = app.Configuration[ReleaseSetting] is { Length: > 0 } configured
            ? configured
            : System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(System.Reflection.Assembly.GetEntryAssembly()!)?.InformationalVersion ?? "unknown";
        app.Use((context, next) =>
        {
            if (context.Request.IsHealthProbe())
            {
                context.Response.Headers[ReleaseHeader] = release;
            }

            return next(context);
        });

        // Probes carry no credentials, and the answer says only Healthy or Unhealthy.
        app.MapHealthChecks(HealthEndpointPath).DisableHttpMetrics().AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
        }).DisableHttpMetrics().AllowAnonymous();
        // The scrape says how much traffic there is, never what it carries; it stays out of the request metrics it serves.
        if (app.Services.GetRequiredService<IOptions<MetricsEndpointOptions>>().Value.Port is > 0 and var port)
        {
            // Told apart by the port the connection arrived on, not by RequireHost: a Host header says what the client likes.
            app.Use((context, next) =>
            {
                if (context.Request.Path.StartsWithSegments(MetricsEndpointPath) && context.Connection.LocalPort != port)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                return next(context);
            });
        }

        app.MapPrometheusScrapingEndpoint(MetricsEndpointPath).DisableHttpMetrics().AllowAnonymous();

        return app;
    }
}
