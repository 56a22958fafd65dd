using Gateway.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;

namespace Gateway.Jwt;

public static class JwtExtensions
{
    public const string SchemeName = "Jwt";

    /// <summary>Chooses per request: a bearer credential shaped like a JWS goes to <see cref="SchemeName"/>, anything else to the API key.</summary>
    public const string SelectorSchemeName = "ApiKeyOrJwt";

    /// <summary>
    /// Accepts <c>Authorization: Bearer &lt;JWT&gt;</c> beside API keys when <c>Authentication:Jwt:Issuer</c> is set.
    /// Call after <see cref="ApiKeyExtensions.AddApiKeys"/>.
    /// </summary>
    public static IHostApplicationBuilder AddJwtBearerTokens(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>();
        var settings = builder.Configuration.GetSection(JwtOptions.SectionName).Get<JwtOptions>() ?? new JwtOptions();
        if (!settings.Enabled)
        {
            return builder;
        }

        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddSingleton<BearerTokenEvents>();
        builder.Services.AddAuthentication(SelectorSchemeName)
            .AddPolicyScheme(SelectorSchemeName, "API key or JWT", selector => selector.ForwardDefaultSelector =
                context => CarriesJwt(context.Request) ? SchemeName : ApiKeyAuthenticationHandler.SchemeName)
            .AddJwtBearer(SchemeName, _ => { });
        builder.Services.AddOptions<JwtBearerOptions>(SchemeName).Configure<IOptions<JwtOptions>, SigningKeys>(Configure);
        // Built at start so an unreadable key file stops the gateway before it serves anything.
        builder.Services.AddHostedService(services => new EagerStart(services.GetRequiredService<SigningKeys>()));
        return builder;
    }

    /// <summary>A compact JWS has exactly two dots; an API key (<c>id.secret</c>) has one.</summary>
    public static bool CarriesJwt(HttpRequest request)
    {
        if (request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName))
        {
            return false;
        }

        var authorization = request.Headers[HeaderNames.Authorization].ToString();
        const string Bearer = "Bearer ";
        return authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            && authorization.AsSpan(Bearer.Length).Trim().Count('.') == 2;
    }

    private static void Configure(JwtBearerOptions bearer, IOptions<JwtOptions> options, SigningKeys keys)
    {
        var jwt = options.Value;
        bearer.EventsType = typeof(BearerTokenEvents);
        bearer.MapInboundClaims = false;
        if (!string.IsNullOrWhiteSpace(jwt.Authority))
        {
            bearer.Authority = jwt.Authority;
            bearer.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        }

        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = jwt.Issuer,
            ValidAudience = jwt.Audience,
            // Pinned: 'none', HS256 keyed with the public key, or any other algorithm is refused before the signature is looked at.
            ValidAlgorithms = [jwt.Algorithm],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(jwt.ClockSkewSeconds),
            // A kid we do not list is refused, not tried against every key we have.
            TryAllIssuerSigningKeys = false,
            IssuerSigningKeyResolver = string.IsNullOrWhiteSpace(jwt.SigningKeysFile) ? null : (_, _, kid, _) => keys.Find(kid),
        };
    }

    private sealed class EagerStart(SigningKeys keys) : IHostedService
    {
        public SigningKeys Keys { get; } = keys;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
