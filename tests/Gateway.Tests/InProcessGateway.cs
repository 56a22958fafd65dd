using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Gateway.Tests;

/// <summary>
/// The gateway's own Program, in process, proxying to <see cref="RecordingReplica"/>. Rate limits are off unless a
/// test turns them on with a Redis of its own. Settings go in as host settings, which the gateway sees while it
/// registers its services, as it sees its configuration in production.
/// </summary>
public sealed class InProcessGateway(string replicaAddress, IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    public const string InternalCredential = "in-process-gateway-credential-0123456789";

    public HttpClient CreateClient(string? bearer)
    {
        var client = CreateClient();
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["RateLimits:Enabled"] = "false",
            ["ReverseProxy:Clusters:persistence-api:Destinations:replicas:Address"] = replicaAddress,
            ["InternalAuthentication:Credential"] = InternalCredential,
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        foreach (var (key, value) in all)
        {
            builder.UseSetting(key, value);
        }
    }
}
