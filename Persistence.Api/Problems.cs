using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Persistence.Api.Http;
using Persistence.Api.Ingest;
using StackExchange.Redis;

namespace Persistence.Api;

/// <summary>RFC 9457 problem responses with the shape clients can rely on.</summary>
public static class Problems
{
    public static ProblemHttpResult Invalid(string detail, IReadOnlyList<FieldError> errors) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid request",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    /// <summary>400 for query parameters; each error names its parameter in <c>field</c>.</summary>
    public static ProblemHttpResult InvalidQuery(IReadOnlyList<FieldError> errors) =>
        TypedResults.Problem(
            detail: $"Invalid query parameter(s): {string.Join(", ", errors.Select(e => e.Field).Distinct())}.",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid query parameter",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Batch too large");

    /// <summary>
    /// 503 with a <c>Retry-After</c> of <see cref="UnavailableOptions.RetryAfterSeconds"/> and a random part
    /// (<see cref="RetryAfterJitter"/>).
    /// </summary>
    public static ProblemHttpResult Unavailable(HttpContext context, string detail)
    {
        var retryAfter = context.RequestServices.GetRequiredService<IOptions<UnavailableOptions>>().Value.RetryAfterSeconds;
        context.Response.Headers.RetryAfter = RetryAfterJitter.Seconds(TimeSpan.FromSeconds(retryAfter)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Temporarily unavailable");
    }

    /// <summary>
    /// 503 for an append Redis did not confirm. Only a connection that could not be made proves nothing was stored;
    /// after a timeout or an unconfirmed durability wait the records may be there. Resending is harmless either way.
    /// </summary>
    public static ProblemHttpResult AppendNotConfirmed(HttpContext context, string what, Exception exception) =>
        Unavailable(context, exception switch
        {
            DurabilityTimeoutException => $"The {what} could not be confirmed as durable as configured ({exception.Message}). Send the same {what} again; a copy that did land is harmless.",
            RedisConnectionException { FailureType: ConnectionFailureType.UnableToConnect } => $"The queue is unreachable; the {what} was not accepted. Send the same {what} again.",
            _ => $"The queue did not confirm the {what} in time; it may or may not be stored. Send the same {what} again: a copy that did land is harmless.",
        });

    /// <summary>429 for a key with as many bodies in flight as it may have; one second is enough for one to end.</summary>
    public static ProblemHttpResult TooManyUploads(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many uploads");
    }

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized");

    public static ProblemHttpResult InvalidQuery(FieldError error) => InvalidQuery([error]);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status404NotFound,
            title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status409Conflict,
            title: "Conflict");
}
