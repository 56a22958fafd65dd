using System.ComponentModel;
using System.Text.Json.Serialization;
using Persistence.Api.Ingest;

namespace Persistence.Api.OpenApi;

/// <summary>The RFC 9457 problem every refusal answers with; only documents the shape, which the framework writes.</summary>
public sealed record ProblemBody(
    [property: JsonPropertyName("type"), Description("A URI naming the kind of problem.")] string Type,
    [property: JsonPropertyName("title"), Description("A short summary of the kind of problem.")] string Title,
    [property: JsonPropertyName("status"), Description("The HTTP status code.")] int Status,
    [property: JsonPropertyName("detail"), Description("What went wrong with this request, and what to do about it.")] string? Detail,
    [property: JsonPropertyName("traceId"), Description("The W3C trace id of the request, to find it in the logs.")] string? TraceId);

/// <summary>A 400: every problem of the request at once, each naming its item and field.</summary>
public sealed record InvalidProblemBody(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("errors"), Description("Every problem found; nothing of the request was accepted.")] IReadOnlyList<FieldErrorBody> Errors,
    [property: JsonPropertyName("traceId")] string? TraceId);

public sealed record FieldErrorBody(
    [property: JsonPropertyName("index"), Description("The position of the item in the batch (from 0); null for the request as a whole or a query parameter.")] int? Index,
    [property: JsonPropertyName("field"), Description("The field or query parameter, e.g. target_langs[1] or page_size.")] string Field,
    [property: JsonPropertyName("message"), Description("What is wrong with it.")] string Message)
{
    public static FieldErrorBody Of(FieldError error) => new(error.Index, error.Field, error.Message);
}

/// <summary>A 504 of the flush barrier: how much was still uncommitted when the wait ended.</summary>
public sealed record FlushTimeoutProblemBody(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("remaining"), Description("Accepted records at most that were not yet committed to MySQL.")] long Remaining,
    [property: JsonPropertyName("waited_ms"), Description("How long the barrier waited.")] long WaitedMs,
    [property: JsonPropertyName("traceId")] string? TraceId);
