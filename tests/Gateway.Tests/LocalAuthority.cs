using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests;

/// <summary>
/// An OpenID Connect authority's two public documents, discovery and JWKS, served over loopback HTTP from the keys of
/// a <see cref="LocalTokenIssuer"/>.
/// </summary>
public sealed class LocalAuthority : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalAuthority(WebApplication app) => _app = app;

    public string Address => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<LocalAuthority> StartAsync(LocalTokenIssuer issuer, params string[] publishedKids)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var authority = new LocalAuthority(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Text(
            new JsonObject { ["issuer"] = LocalTokenIssuer.Issuer, ["jwks_uri"] = $"{authority.Address}/jwks" }.ToJsonString(),
            "application/json"));
        app.MapGet("/jwks", () => Results.Text(issuer.Jwks(publishedKids), "application/json"));
        await app.StartAsync();
        return authority;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
