using System.Globalization;

namespace Gateway;

/// <summary>The gateway's own refusals, as RFC 9457 problem+json like the API's.</summary>
public static class GatewayProblems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, TimeSpan? retryAfter = null)
    {
        if (retryAfter is { } wait)
        {
            var headers = context.Response.Headers;
            long? reset = long.TryParse(headers["RateLimit-Reset"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
            headers.RetryAfter = RetryAfterJitter.Seconds(wait, reset).ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(
                detail: detail,
                statusCode: status,
                title: title,
                type: $"https://httpwg.org/specs/rfc9110.html#status.{status}")
            .ExecuteAsync(context);
    }

    /// <summary>400 for a body refused before it is proxied, shaped like the API's (<c>errors</c> with index and field).</summary>
    public static Task WriteInvalidAsync(HttpContext context, string field, int? index, string message) =>
        TypedResults.Problem(
                detail: $"The body is not a valid batch: {message}",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid request",
                type: "https://httpwg.org/specs/rfc9110.html#status.400",
                extensions: new Dictionary<string, object?>
                {
                    ["errors"] = new[] { new Dictionary<string, object?> { ["index"] = index, ["field"] = field, ["message"] = message } },
                })
            .ExecuteAsync(context);
}
