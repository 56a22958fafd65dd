using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Persistence.Client.Hosting;
using Persistence.Client.Writing;

// The conventional namespace of registration methods, so AddPersistenceClient shows up wherever services are added.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="Persistence.Client.PersistenceClient"/> and <see cref="PersistenceWriter"/>.</summary>
public static class PersistenceClientServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the client and the writer send through.</summary>
    public const string HttpClientName = "Persistence.Client";

    /// <summary>
    /// Registers <see cref="Persistence.Client.PersistenceClient"/> (transient) and <see cref="PersistenceWriter"/>
    /// (singleton, flushed when the host stops) over HttpClientFactory, with service discovery (so an Aspire app names the
    /// gateway by its resource name) and the standard resilience handler. Options come from the <c>PersistenceClient</c>
    /// section (<c>ApiKey</c>, <c>BaseAddress</c>, timeouts) and <c>PersistenceClient:Writer</c>, then from the delegates.
    /// </summary>
    /// <returns>The client's <see cref="IHttpClientBuilder"/>, to add handlers of one's own.</returns>
    public static IHttpClientBuilder AddPersistenceClient(
        this IServiceCollection services, Action<PersistenceClientOptions>? configureClient = null, Action<PersistenceWriterOptions>? configureWriter = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var client = services.AddOptions<PersistenceClientOptions>().BindConfiguration(PersistenceClientOptions.SectionName).ValidateOnStart();
        if (configureClient is not null)
        {
            client.Configure(configureClient);
        }

        var writer = services.AddOptions<PersistenceWriterOptions>().BindConfiguration($"{PersistenceClientOptions.SectionName}:Writer").ValidateOnStart();
        if (configureWriter is not null)
        {
            writer.Configure(configureWriter);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PersistenceClientOptions>, PersistenceClientOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PersistenceWriterOptions>, PersistenceWriterOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddServiceDiscovery();
        services.AddTransient<ApiKeyHandler>();

        services.AddTransient(sp => new Persistence.Client.PersistenceClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName)));
        services.AddSingleton(sp =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            return new PersistenceWriter(
                () => new Persistence.Client.PersistenceClient(factory.CreateClient(HttpClientName)),
                sp.GetRequiredService<IOptions<PersistenceWriterOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<IMeterFactory>(),
                sp.GetService<ILogger<PersistenceWriter>>());
        });
        services.AddHostedService<PersistenceWriterShutdown>();

        var http = services.AddHttpClient(HttpClientName, (sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<PersistenceClientOptions>>().Value;
            http.BaseAddress = options.BaseAddress;
            // The resilience handler's timeouts govern; HttpClient's own would cut a long flush short.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        http.AddHttpMessageHandler<ApiKeyHandler>();
        // Aspire's service defaults put a resilience handler with 10 s attempts on every client: stacked outside this
        // one it would cut a long flush short. Removing it is the library's own (still experimental) way to say so.
#pragma warning disable EXTEXP0001
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        http.AddStandardResilienceHandler().Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
        {
            var options = sp.GetRequiredService<IOptions<PersistenceClientOptions>>().Value;
            resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
            resilience.TotalRequestTimeout.Timeout = options.TotalTimeout;
            // The resilience library requires the breaker to sample at least two attempts' worth of time.
            resilience.CircuitBreaker.SamplingDuration = options.AttemptTimeout * 2;
        });
        http.AddServiceDiscovery();
        return http;
    }
}
