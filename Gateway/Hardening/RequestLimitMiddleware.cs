using Microsoft.Extensions.Options;

namespace Gateway.Hardening;

/// <summary>Refuses a declared oversize body before anything is read or proxied.</summary>
public sealed class RequestLimitMiddleware(IOptionsMonitor<RequestLimitOptions> options) : IMiddleware
{
    public static Task RefuseTooLargeAsync(HttpContext context, long maxBytes) =>
        GatewayProblems.WriteAsync(
            context, StatusCodes.Status413PayloadTooLarge, "Request too large", $"The body is larger than the limit of {maxBytes} bytes.");

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var maxBytes = options.CurrentValue.MaxRequestBodyBytes;
        if (context.Request.ContentLength > maxBytes)
        {
            // The rest of the body is not read: ask the client not to reuse the connection.
            context.Response.Headers.Connection = "close";
            await RefuseTooLargeAsync(context, maxBytes);
            return;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await RefuseTooLargeAsync(context, maxBytes);
        }
    }
}
