using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Persistence.Client.Writing;

namespace Integration.Tests.Client;

/// <summary>
/// An application host as a user of the SDK writes it: AddPersistenceClient, with the gateway found by service discovery
/// under its resource name (what Aspire's WithReference configures) and the key from configuration.
/// </summary>
public static class ClientHost
{
    public static IHost Build(Uri gateway, string apiKey, Action<PersistenceWriterOptions>? writer = null, Action<IHttpClientBuilder>? http = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:gateway:http:0"] = gateway.ToString().TrimEnd('/'),
            ["PersistenceClient:ApiKey"] = apiKey,
        });
        builder.Services.AddMetrics();
        var client = builder.Services.AddPersistenceClient(configureWriter: writer);
        http?.Invoke(client);
        return builder.Build();
    }

    /// <summary>Sums one of the writer's counters, for this host's writer only (other tests' writers run alongside).</summary>
    public static MeterListener Count(IHost host, string instrument, Action<long> add)
    {
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (published, l) =>
            {
                if (published.Meter.Name == PersistenceWriter.MeterName && published.Meter.Scope == factory && published.Name == instrument)
                {
                    l.EnableMeasurementEvents(published);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => add(value));
        listener.Start();
        return listener;
    }
}
