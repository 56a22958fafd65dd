namespace Gateway.Hardening;

/// <summary>
/// Headers that stop browsers from sniffing, framing or caching API answers, on every response including errors,
/// and the removal of anything that names the software behind the gateway.
/// </summary>
public sealed class SecurityHeadersMiddleware : IMiddleware
{
    /// <summary>Where the API's interactive reference is served (when the API turns it on).</summary>
    public const string ReferencePath = "/scalar";

    private const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    // The reference is a page: its script, styles and the calls it makes come from this origin only. Its start-up
    // script is inline, and it styles elements inline.
    private const string ReferencePolicy =
        "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(ReferencePath) ? ReferencePolicy : ApiPolicy;
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            if (string.IsNullOrEmpty(headers.CacheControl))
            {
                headers.CacheControl = "no-store";
            }

            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            }

            headers.Remove("Server");
            headers.Remove("X-Powered-By");
            headers.Remove("X-AspNet-Version");
            return Task.CompletedTask;
        });
        return next(context);
    }
}
