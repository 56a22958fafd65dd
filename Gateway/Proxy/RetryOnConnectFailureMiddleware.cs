using System.Net.Sockets;
using Gateway.Hardening;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.Proxy;

/// <summary>
/// Sends a request to another replica when the chosen one failed before answering. A refused connection (replica
/// stopped, draining or restarting) is retried for every request: nothing reached the replica. A request that may
/// have reached it (the connection dropped before a response) is retried only on routes marked idempotent: the batch
/// routes are, because the worker's version guard makes a second copy of a record a no-op. Nothing is retried once
/// the response has started.
/// </summary>
public sealed class RetryOnConnectFailureMiddleware(
    IOptionsMonitor<RequestLimitOptions> requestLimits, ILogger<RetryOnConnectFailureMiddleware> logger) : IMiddleware
{
    /// <summary>Route metadata: <c>true</c> when sending the same request twice has the effect of sending it once.</summary>
    public const string IdempotentMetadata = "Idempotent";

    private const int SpoolThresholdBytes = 30 * 1024;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var proxy = context.GetReverseProxyFeature();
        var healthy = proxy.AvailableDestinations;
        var tried = new HashSet<DestinationState>();
        if (context.Request.Body.CanSeek is false && context.Request.ContentLength is not 0)
        {
            // The body is read once by the forwarder; keep it so a second attempt can send it again. Past 30 KiB it
            // spools to a temporary file, never past the body limit (the number of such bodies is bounded per key,
            // see BodySlots).
            context.Request.EnableBuffering(SpoolThresholdBytes, requestLimits.CurrentValue.MaxRequestBodyBytes);
        }

        while (true)
        {
            await next(context);

            var error = context.Features.Get<IForwarderErrorFeature>();
            if (error is null || context.Response.HasStarted || !IsRetryable(context, error) || proxy.ProxiedDestination is not { } failed)
            {
                return;
            }

            tried.Add(failed);
            // Healthy replicas first; then those the health checks have not yet seen come back (a restarted replica
            // is marked healthy only at its next probe), since a refused connection costs next to nothing.
            var remaining = healthy.Where(d => !tried.Contains(d)).ToList();
            if (remaining.Count == 0)
            {
                remaining = proxy.AllDestinations.Where(d => !tried.Contains(d)).ToList();
            }

            if (remaining.Count == 0)
            {
                return;
            }

            Log.RetryingElsewhere(logger, failed.DestinationId, error.Exception?.Message ?? error.Error.ToString(), remaining.Count);
            context.Features.Set<IForwarderErrorFeature?>(null);
            // Only the status was set by the failed attempt; headers such as RateLimit-* stay.
            context.Response.StatusCode = StatusCodes.Status200OK;
            if (context.Request.Body.CanSeek)
            {
                context.Request.Body.Position = 0;
            }

            proxy.AvailableDestinations = remaining;
        }
    }

    private static bool IsRetryable(HttpContext context, IForwarderErrorFeature error) =>
        (error.Error is ForwarderError.Request && IsConnectFailure(error))
        // A replica closing a kept-alive connection as it shuts down fails the next request while its head or body
        // is being sent; for an idempotent request it does not matter how far the replica got.
        || (error.Error is ForwarderError.Request or ForwarderError.RequestBodyDestination
            && (HttpMethods.IsGet(context.Request.Method) || IsIdempotentRoute(context)));

    private static bool IsConnectFailure(IForwarderErrorFeature error) =>
        error.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }
        || error.Exception?.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };

    private static bool IsIdempotentRoute(HttpContext context) =>
        context.GetRouteModel().Config.Metadata?.TryGetValue(IdempotentMetadata, out var value) == true
        && bool.TryParse(value, out var idempotent) && idempotent;
}
