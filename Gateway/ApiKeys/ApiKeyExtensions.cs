using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Persistence.Contracts;

namespace Gateway.ApiKeys;

public static class ApiKeyExtensions
{
    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration[$"{ApiKeyOptions.SectionName}:{nameof(ApiKeyOptions.File)}"] is { Length: > 0 } file)
        {
            // Watched: editing the file adds or revokes keys on every gateway instance that mounts it, no restart.
            builder.Configuration.AddJsonFile(Path.GetFullPath(file), optional: true, reloadOnChange: true);
        }

        builder.Services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName);
        builder.Services.AddSingleton<ApiKeyStore>();
        // Built at start so a broken key entry stops the gateway before it serves anything.
        builder.Services.AddHostedService(services => new EagerStart<ApiKeyStore>(services.GetRequiredService<ApiKeyStore>()));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ApiKeyExpiryGauge>();
        builder.Services.AddHostedService(services => new EagerStart<ApiKeyExpiryGauge>(services.GetRequiredService<ApiKeyExpiryGauge>()));

        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, configureOptions: null);

        var authorization = builder.Services.AddAuthorizationBuilder();
        foreach (var scope in Scopes.All)
        {
            authorization.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().RequireClaim(Scopes.ClaimType, scope));
        }

        // A route that names no scope, or a path no route knows, needs admin: new endpoints are closed until mapped.
        authorization.SetFallbackPolicy(new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireClaim(Scopes.ClaimType, Scopes.Admin)
            .Build());
        return builder;
    }

    private sealed class EagerStart<T>(T service) : IHostedService
    {
        public T Service { get; } = service;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
