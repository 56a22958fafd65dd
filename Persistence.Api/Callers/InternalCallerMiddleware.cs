using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Persistence.Api.Callers;

/// <summary>
/// Refuses any request that did not come through the gateway: the gateway adds the shared credential, a client going
/// straight to a replica cannot. Compared in constant time so the credential cannot be guessed byte by byte.
/// </summary>
public sealed class InternalCallerMiddleware(IOptionsMonitor<InternalAuthenticationOptions> options, ILogger<InternalCallerMiddleware> logger) : IMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.IsHealthProbe())
        {
            await next(context);
            return;
        }

        var settings = options.CurrentValue;
        var presented = context.Request.Headers[InternalCallers.CredentialHeader];
        var trusted = presented.Count == 1 && settings.Credential is { Length: > 0 } credential && Matches(presented[0], credential);
        if (!trusted && !settings.AllowUnauthenticated)
        {
            Log.DirectCallRefused(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown", context.Request.Path);
            await Problems.Unauthorized("Call this service through the gateway.").ExecuteAsync(context);
            return;
        }

        var keyId = trusted ? context.Request.Headers[InternalCallers.KeyIdHeader].ToString() : null;
        keyId = string.IsNullOrEmpty(keyId) ? null : keyId;
        context.SetCallerKeyId(keyId);
        Activity.Current?.SetTag("persistence.caller", keyId);
        using (logger.BeginScope(new Dictionary<string, object?> { ["CallerKeyId"] = keyId }))
        {
            await next(context);
        }
    }

    private static bool Matches(string? presented, string expected)
    {
        if (presented is null)
        {
            return false;
        }

        // Hashing first gives both sides the same length, so the comparison time says nothing about the length.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }
}
