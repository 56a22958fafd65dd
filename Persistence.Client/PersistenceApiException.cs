using System.Net;

namespace Persistence.Client;

/// <summary>
/// The API answered with an error: its RFC 9457 problem (title, detail, and for bad input the field and item index
/// of each problem), and when it asked for one, how long to wait before trying again.
/// </summary>
public sealed class PersistenceApiException : Exception
{
    /// <summary>Creates the exception for one error answer.</summary>
    public PersistenceApiException(HttpStatusCode statusCode, string? title, string? detail, IReadOnlyList<FieldProblem> errors, TimeSpan? retryAfter)
        : base($"{(int)statusCode} {title ?? statusCode.ToString()}: {detail ?? "(no detail)"}")
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
        Errors = errors;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's <c>title</c>.</summary>
    public string? Title { get; }

    /// <summary>The problem's <c>detail</c>.</summary>
    public string? Detail { get; }

    /// <summary>The problem's <c>errors</c>: each names a field and, in a batch, the index of its item.</summary>
    public IReadOnlyList<FieldProblem> Errors { get; }

    /// <summary>The answer's <c>Retry-After</c> (429 and 503 carry one).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// Whether sending the same request again may succeed: throttled (429), unavailable or timed out (408, 5xx). Every
    /// write of the API is idempotent, so a resend of a request that did land is harmless.
    /// </summary>
    public bool IsTransient => IsTransientStatus(StatusCode);

    internal static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
}

/// <summary>One problem with a request: which item of a batch (null for a query parameter), which field, and why.</summary>
/// <param name="Index">The item's index in the batch; null when the problem is not about one item.</param>
/// <param name="Field">The field or query parameter.</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record FieldProblem(int? Index, string? Field, string? Message);
