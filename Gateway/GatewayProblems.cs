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
                title: title)
            .ExecuteAsync(context);
    }

    /// <summary>400 for a body refused before it is proxied, shaped like the API's (<c>errors</c> with index and field).</summary>
    public static Task WriteInvalidAsync(HttpContext context, string field, int? index, string message) =>
        TypedResults.Problem(
                detail: $"The body is not a valid batch: {message}",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid request",
                extensions: new Dictionary<string, object?>
                {
                    ["errors"] = new[] { new Dictionary<string, object?> { ["index"] = index, ["field"] = field, ["message"] = message } },
                })
            .ExecuteAsync(context);

    /// <summary>Problem extension naming the most records one batch of the key may hold.</summary>
    public const string MaxBatchRecordsExtension = "max_batch_records";

    /// <summary>413 for a batch larger than its key's record burst: it can never pass, whatever the wait; split it.</summary>
    public static Task WriteBatchTooLargeAsync(HttpContext context, string keyId, long records, long maxRecords) =>
        TypedResults.Problem(
                detail: $"The batch holds {records} records; key '{keyId}' may send at most {maxRecords} records in one batch (its record burst). Split the batch.",
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Batch larger than the key's record limit",
                extensions: new Dictionary<string, object?> { [MaxBatchRecordsExtension] = maxRecords })
            .ExecuteAsync(context);
}
