using Persistence.Contracts;

namespace Persistence.Api.Callers;

public static class InternalCallerExtensions
{
    public static IHostApplicationBuilder AddInternalCallers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InternalAuthenticationOptions>()
            .BindConfiguration(InternalCallers.SectionName)
            .ValidateDataAnnotations()
            .Validate(
                options => options.AllowUnauthenticated || !string.IsNullOrEmpty(options.Credential),
                $"Set {InternalCallers.SectionName}__Credential (the secret the gateway presents), or {InternalCallers.SectionName}__AllowUnauthenticated=true where the network admits only the gateway.")
            .ValidateOnStart();
        builder.Services.AddOptions<CallerLimitOptions>()
            .BindConfiguration(CallerLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<InternalCallerMiddleware>();
        builder.Services.AddSingleton<BodySlots>();
        builder.Services.AddSingleton<CallerBodyLimitMiddleware>();
        return builder;
    }

    /// <summary>Everything but the health probes must come through the gateway; each key's bodies in flight are bounded.</summary>
    public static IApplicationBuilder UseInternalCallers(this IApplicationBuilder app) =>
        app.UseMiddleware<InternalCallerMiddleware>().UseMiddleware<CallerBodyLimitMiddleware>();

    /// <summary>The API key id the gateway vouched for, or null for a caller admitted without one.</summary>
    public static string? CallerKeyId(this HttpContext context) =>
        context.Items.TryGetValue(typeof(InternalCallerMiddleware), out var keyId) ? keyId as string : null;

    internal static void SetCallerKeyId(this HttpContext context, string? keyId) =>
        context.Items[typeof(InternalCallerMiddleware)] = keyId;
}
