using Microsoft.AspNetCore.Http.HttpResults;
using Persistence.Api.Ingest;

namespace Persistence.Api;

/// <summary>RFC 9457 problem responses with the shape clients can rely on.</summary>
public static class Problems
{
    public static ProblemHttpResult Invalid(string detail, IReadOnlyList<FieldError> errors) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid request",
            type: "https://httpwg.org/specs/rfc9110.html#status.400",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    /// <summary>400 for query parameters; each error names its parameter in <c>field</c>.</summary>
    public static ProblemHttpResult InvalidQuery(IReadOnlyList<FieldError> errors) =>
        TypedResults.Problem(
            detail: $"Invalid query parameter(s): {string.Join(", ", errors.Select(e => e.Field).Distinct())}.",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid query parameter",
            type: "https://httpwg.org/specs/rfc9110.html#status.400",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Batch too large",
            type: "https://httpwg.org/specs/rfc9110.html#status.413");

    public static ProblemHttpResult Unavailable(HttpContext context, int retryAfterSeconds, string detail)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Temporarily unavailable",
            type: "https://httpwg.org/specs/rfc9110.html#status.503");
    }

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized",
            type: "https://httpwg.org/specs/rfc9110.html#status.401");

    public static ProblemHttpResult InvalidQuery(FieldError error) =>
        TypedResults.Problem(
            detail: $"The query parameter '{error.Field}' {error.Message}.",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid query",
            type: "https://httpwg.org/specs/rfc9110.html#status.400",
            extensions: new Dictionary<string, object?> { ["errors"] = new[] { error } });

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status404NotFound,
            title: "Not found",
            type: "https://httpwg.org/specs/rfc9110.html#status.404");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status409Conflict,
            title: "Conflict",
            type: "https://httpwg.org/specs/rfc9110.html#status.409");

    public static ProblemHttpResult DatabaseUnavailable(HttpContext context, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            detail: "The database is unreachable; try again.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Temporarily unavailable",
            type: "https://httpwg.org/specs/rfc9110.html#status.503");
    }
}
