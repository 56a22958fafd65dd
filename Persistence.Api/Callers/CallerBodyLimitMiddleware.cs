using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Persistence.Contracts;

namespace Persistence.Api.Callers;

/// <summary>
/// Refuses a request with a body, with 429 before a byte of it is read, when its API key already has
/// <see cref="CallerLimitOptions.MaxConcurrentBodies"/> bodies in flight at this replica. Runs after
/// <see cref="InternalCallerMiddleware"/>, which names the key the gateway vouched for; calls without a key id (only
/// where unauthenticated callers are allowed) are bounded by the gateway alone.
/// </summary>
public sealed class CallerBodyLimitMiddleware(BodySlots slots, IOptionsMonitor<CallerLimitOptions> options) : IMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.CallerKeyId() is not { } keyId || context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true)
        {
            await next(context);
            return;
        }

        var max = options.CurrentValue.MaxConcurrentBodies;
        if (slots.TryTake(keyId, max) is not { } slot)
        {
            await Problems.TooManyUploads(
                context, $"Key '{keyId}' already has {max} requests with a body in flight at this replica; wait for one to finish.")
                .ExecuteAsync(context);
            return;
        }

        // Held until the endpoint has answered: that long the body's buffer may be held here.
        using (slot)
        {
            await next(context);
        }
    }
}
