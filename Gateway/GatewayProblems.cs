using System.Globalization;

namespace Gateway;

/// <summary>The gateway's own refusals, as RFC 9457 problem+json like the API's.</summary>
public static class GatewayProblems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, TimeSpan? retryAfter = null)
    {
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(
                detail: detail,
                statusCode: status,
                title: title,
                type: $"https://httpwg.org/specs/rfc9110.html#status.{status}")
            .ExecuteAsync(context);
    }
}
