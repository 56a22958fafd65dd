using Microsoft.Extensions.Options;
using Persistence.Api.Pipeline;
using Persistence.Api.Queries;
using Persistence.Api.Translations;
using Persistence.Contracts;

namespace Persistence.Api.OpenApi;

/// <summary>A query parameter as the document states it; <see cref="Maximum"/> and friends come from the running options.</summary>
public sealed record QueryParameterDoc(string Description, string Type = "string")
{
    public long? Minimum { get; init; }

    public long? Maximum { get; init; }

    public long? Default { get; init; }

    public IReadOnlyList<string>? Choices { get; init; }

    public string? Format { get; init; }

    public string? Example { get; init; }
}

/// <summary>What each query parameter of the API means, with the limits this replica enforces.</summary>
public sealed class QueryParameterCatalog(
    IOptions<QueryOptions> queries, IOptions<TranslationOptions> translations, IOptions<PipelineOptions> pipeline)
{
    public QueryParameterDoc? Describe(string name, string route)
    {
        var q = queries.Value;
        return name switch
        {
            ReadRequests.Status when IsJobList(route) =>
                new("Only jobs in this status.") { Choices = [.. TranslationStatus.All] },
            ReadRequests.Status => new("Only rows in these statuses: one or more, comma-separated or repeated (status=pending,processing)."),
            ReadRequests.From => new("Only rows created at or after this instant (RFC 3339 with offset).") { Format = "date-time", Example = "2026-01-31T12:00:00Z" },
            ReadRequests.To => new("Only rows created before this instant (RFC 3339 with offset); later than from.") { Format = "date-time" },
            ReadRequests.SourceLang => new("Only sessions from this source language (BCP 47).") { Example = "en" },
            ReadRequests.TargetLang when route.StartsWith(ApiRoutes.Translation.Sessions, StringComparison.Ordinal) && !route.Contains("/tasks", StringComparison.Ordinal) =>
                new("Only sessions that translate into this language (BCP 47); must be combined with status or source_lang.") { Example = "fr" },
            ReadRequests.TargetLang => new("Only rows in this target language (BCP 47).") { Example = "fr" },
            ReadRequests.BatchId => new("Only tasks of this batch.") { Maximum = null },
            ReadRequests.Sort => new("The timestamp to order by.") { Choices = [.. ReadRequests.SortKeys] },
            ReadRequests.Order => new("Newest (desc, the default) or oldest first.") { Choices = ["asc", "desc"] },
            ReadRequests.Page => new($"Offset paging: the page number from 1, up to the first {q.MaxOffset} rows; deeper, page by cursor. Not with cursor.", "integer") { Minimum = 1 },
            ReadRequests.PageSize when IsJobList(route) =>
                PageSize(translations.Value.DefaultPageSize, translations.Value.MaxPageSize),
            ReadRequests.PageSize when route.Contains("/dead-letters", StringComparison.Ordinal) => PageSize(PageSizes.DeadLetters.Default, PageSizes.DeadLetters.Max),
            ReadRequests.PageSize => PageSize(q.DefaultPageSize, q.MaxPageSize),
            ReadRequests.Cursor => new("Keyset paging: the next_cursor of the previous page, unchanged. Keep every other parameter as it was."),
            ReadRequests.ConsistencyParameter => new(
                "eventual (default) reads MySQL as it is, and the X-Flush-Lag-* headers say what it may miss; strong first waits on the flush barrier, so everything accepted before the request is in the answer (504 if the wait runs out).")
            {
                Choices = ["eventual", "strong"],
            },
            QueryParameters.TimeoutMs => new("How long to wait for the flush, in milliseconds.", "integer")
            {
                Minimum = 1,
                Maximum = pipeline.Value.MaxFlushTimeoutMs,
                Default = pipeline.Value.DefaultFlushTimeoutMs,
            },
            QueryParameters.DryRun => new("true counts what would be deleted without deleting it.") { Choices = ["true", "false"] },
            "lang" => new("Deprecated spelling of target_lang.") { Example = "fr" },
            QueryParameters.Engine => new("Only jobs last claimed by this engine.") { Choices = [.. TranslationEngines.All] },
            QueryParameters.ToEngine => new("The engine the re-queued jobs go to; unset keeps each job's own.") { Choices = [.. TranslationEngines.All] },
            QueryParameters.Since => new("Only jobs that failed at or after this instant (RFC 3339 with offset).") { Format = "date-time" },
            QueryParameters.Until => new("Only jobs that failed before this instant (RFC 3339 with offset).") { Format = "date-time" },
            QueryParameters.MaxJobs => new("At most this many jobs in one call; the answer's more says whether to call again.", "integer") { Minimum = 1 },
            "limit" => PageSize(translations.Value.DefaultPageSize, translations.Value.MaxPageSize) with { Description = "Deprecated spelling of page_size." },
            _ => null,
        };
    }

    private static bool IsJobList(string route) =>
        route.StartsWith(ApiRoutes.Translation.Jobs, StringComparison.Ordinal) || route.StartsWith(ApiRoutes.DeprecatedTranslations.Prefix, StringComparison.Ordinal);

    private static QueryParameterDoc PageSize(int fallback, int max) =>
        new($"Items per page, 1 to {max}; larger asks are refused rather than silently cut.", "integer") { Minimum = 1, Maximum = max, Default = fallback };
}
