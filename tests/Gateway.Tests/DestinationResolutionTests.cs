using Gateway.Proxy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace Gateway.Tests;

public sealed class DestinationResolutionTests
{
    [Fact]
    public async Task The_service_name_in_the_gateway_configuration_becomes_one_destination_per_replica()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        // The gateway's own appsettings.json, copied next to the tests, so the cluster under test is the shipped one.
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:persistence-api:http:0"] = "http://127.0.0.1:5101",
            ["services:persistence-api:http:1"] = "http://127.0.0.1:5102",
        });
        // As Program.cs does: service defaults bring the configuration endpoint provider, the proxy the resolver.
        builder.AddServiceDefaults();
        builder.AddPersistenceProxy();
        await using var services = builder.Services.BuildServiceProvider();

        var configured = builder.Configuration.GetSection($"{ProxyExtensions.SectionName}:Clusters:persistence-api:Destinations")
            .GetChildren()
            .ToDictionary(d => d.Key, d => new DestinationConfig { Address = d["Address"]! });
        var resolved = await services.GetRequiredService<IDestinationResolver>()
            .ResolveDestinationsAsync(configured, CancellationToken.None);

        Assert.Equal("http://persistence-api", Assert.Single(configured).Value.Address);
        Assert.Equal(
            ["http://127.0.0.1:5101/", "http://127.0.0.1:5102/"],
            resolved.Destinations.Values.Select(d => d.Address).Order(StringComparer.Ordinal));
        Assert.Equal(2, resolved.Destinations.Keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.NotNull(resolved.ChangeToken);
    }
}
