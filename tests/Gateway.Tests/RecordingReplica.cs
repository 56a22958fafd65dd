using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests;

/// <summary>
/// Stands where a Persistence.Api replica stands, on a real loopback port, and keeps the headers of every request
/// the gateway forwarded, so a test can see exactly what crossed the door. Answers 200 to anything.
/// </summary>
public sealed class RecordingReplica : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecordingReplica(WebApplication app) => _app = app;

    public ConcurrentQueue<IHeaderDictionary> Received { get; } = new();

    public string Address => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<RecordingReplica> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var replica = new RecordingReplica(app);
        app.Run(context =>
        {
            if (context.Request.Path != "/health")
            {
                replica.Received.Enqueue(new HeaderDictionary(context.Request.Headers.ToDictionary()));
            }

            return context.Response.WriteAsync("ok");
        });
        await app.StartAsync();
        return replica;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
