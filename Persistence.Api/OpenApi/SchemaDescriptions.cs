using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Persistence.Api.Ingest;
using Persistence.Api.Translations;
using Persistence.Contracts;

namespace Persistence.Api.OpenApi;

/// <summary>
/// Field descriptions, limits and examples of the request bodies, from the validators' own constants and this
/// replica's options, so the document states the limits that are enforced rather than a copy that could drift.
/// </summary>
public sealed class SchemaDescriptions(IOptions<IngestOptions> ingest, IOptions<TranslationOptions> translations) : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var limits = ingest.Value;
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(SessionRecord))
        {
            schema.Description = "The full state of one session at updated_at; a newer updated_at replaces an older state, an older one is ignored.";
            Id(schema, "session_id", "The session's id.");
            Status(schema, RecordValidator.SessionStatuses);
            Language(schema, "source_lang", "The language translated from (BCP 47).");
            Describe(schema, "target_langs", $"The languages translated into (BCP 47), at most {RecordValidator.MaxTargetLanguages}.", maxItems: RecordValidator.MaxTargetLanguages);
            Describe(schema, "total_tasks", "Tasks the session has in all (0 or more).", minimum: 0);
            Describe(schema, "completed_tasks", "Tasks completed so far.", minimum: 0);
            Describe(schema, "failed_tasks", "Tasks failed so far.", minimum: 0);
            Metadata(schema, limits);
            Timestamps(schema, limits);
            schema.Examples = [JsonNode.Parse("""{"session_id":"s-2026-0001","status":"processing","source_lang":"en","target_langs":["fr","de"],"total_tasks":2,"completed_tasks":0,"failed_tasks":0,"metadata":{"project":"docs"},"created_at":"2026-01-31T12:00:00Z","updated_at":"2026-01-31T12:00:05Z"}""")!];
        }
        else if (type == typeof(TaskRecord))
        {
            schema.Description = "The full state of one task at updated_at; a newer updated_at replaces an older state, an older one is ignored.";
            Id(schema, "task_id", "The task's id.");
            Id(schema, "session_id", "The session the task belongs to.");
            Id(schema, "batch_id", "The back end's batch the task was sent in, if any.");
            Status(schema, RecordValidator.TaskStatuses);
            Language(schema, "source_lang", "The language translated from (BCP 47).");
            Language(schema, "target_lang", "The language translated into (BCP 47).");
            Describe(schema, "source_text", $"The text to translate, at most {limits.MaxTextLength} characters.", maxLength: limits.MaxTextLength);
            Describe(schema, "translated_text", $"The translation, at most {limits.MaxTextLength} characters.", maxLength: limits.MaxTextLength);
            Describe(schema, "error", $"Why the task failed, at most {RecordValidator.MaxErrorLength} characters.", maxLength: RecordValidator.MaxErrorLength);
            Describe(schema, "attempts", "Attempts made so far.", minimum: 0);
            Metadata(schema, limits);
            Timestamps(schema, limits);
            schema.Examples = [JsonNode.Parse("""{"task_id":"t-2026-0001-fr","session_id":"s-2026-0001","status":"completed","source_lang":"en","target_lang":"fr","source_text":"Hello","translated_text":"Bonjour","attempts":1,"created_at":"2026-01-31T12:00:00Z","updated_at":"2026-01-31T12:00:07Z"}""")!];
        }
        else if (type == typeof(SessionBatch))
        {
            Describe(schema, "sessions", $"1 to {limits.MaxBatchItems} session states; all or nothing.", maxItems: limits.MaxBatchItems);
            schema.Required = new HashSet<string> { "sessions" };
            schema.Examples = [JsonNode.Parse("""{"sessions":[{"session_id":"s-2026-0001","status":"processing","source_lang":"en","target_langs":["fr","de"],"total_tasks":2,"completed_tasks":0,"failed_tasks":0,"created_at":"2026-01-31T12:00:00Z","updated_at":"2026-01-31T12:00:05Z"}]}""")!];
        }
        else if (type == typeof(TaskBatch))
        {
            Describe(schema, "tasks", $"1 to {limits.MaxBatchItems} task states; all or nothing.", maxItems: limits.MaxBatchItems);
            schema.Required = new HashSet<string> { "tasks" };
            schema.Examples = [JsonNode.Parse("""{"tasks":[{"task_id":"t-2026-0001-fr","session_id":"s-2026-0001","status":"completed","source_lang":"en","target_lang":"fr","source_text":"Hello","translated_text":"Bonjour","attempts":1,"created_at":"2026-01-31T12:00:00Z","updated_at":"2026-01-31T12:00:07Z"}]}""")!];
        }
        else if (type == typeof(TranslationRequest))
        {
            var options = translations.Value;
            var languages = options.EffectiveTargetLanguages;
            schema.Description = "One text to translate into one or more languages.";
            Describe(schema, "business_id", $"Your name for the text (slashes allowed, e.g. docs/intro.title), at most {options.MaxBusinessIdLength} characters.", maxLength: options.MaxBusinessIdLength);
            Describe(schema, "text", $"The text, at most {limits.MaxTextLength} characters.", maxLength: limits.MaxTextLength);
            Language(schema, "source_lang", "The language of the text (BCP 47).");
            Describe(schema, "target_langs", $"The languages to translate into, each one of those processed here: {string.Join(", ", languages)}.");
            Describe(schema, "context", $"Optional JSON object that guides the translation (part of the content: another context is another job), at most {limits.MaxMetadataBytes} bytes.");
            schema.Required = new HashSet<string> { "business_id", "text", "source_lang", "target_langs" };
            schema.Examples = [new JsonObject { ["business_id"] = "docs/intro.title", ["text"] = "Welcome", ["source_lang"] = "en", ["target_langs"] = new JsonArray(languages[0]), ["context"] = new JsonObject { ["screen"] = "home" } }];
        }
        else if (type == typeof(TranslationRequestBatch))
        {
            var max = translations.Value.MaxBatchItems;
            Describe(schema, "items", $"1 to {max} translation requests; all or nothing.", maxItems: max);
            schema.Required = new HashSet<string> { "items" };
            schema.Examples =
            [
                new JsonObject
                {
                    ["items"] = new JsonArray(new JsonObject
                    {
                        ["business_id"] = "docs/intro.title",
                        ["text"] = "Welcome",
                        ["source_lang"] = "en",
                        ["target_langs"] = new JsonArray(translations.Value.EffectiveTargetLanguages[0]),
                    }),
                },
            ];
        }
        else if (type == typeof(InvalidProblemBody))
        {
            schema.Examples = [JsonNode.Parse("""{"type":"https://httpwg.org/specs/rfc9110.html#status.400","title":"Invalid request","status":400,"detail":"2 problem(s) in the batch; nothing of it was accepted.","errors":[{"index":0,"field":"status","message":"must be one of: pending, processing, completed, failed, cancelled"},{"index":3,"field":"updated_at","message":"is required"}],"traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}""")!];
        }

        DescribeCommonFields(schema);
        return Task.CompletedTask;
    }

    /// <summary>Fields that mean the same wherever they appear in an answer; described where nothing more specific was said.</summary>
    private static void DescribeCommonFields(OpenApiSchema schema)
    {
        foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (property is OpenApiSchema concrete && concrete.Description is null && CommonFields.TryGetValue(name, out var description))
            {
                concrete.Description = description;
            }
        }
    }

    private static readonly Dictionary<string, string> CommonFields = new(StringComparer.Ordinal)
    {
        ["items"] = "The rows of this page.",
        ["next_cursor"] = "Pass as cursor for the next page (with the same other parameters); null on the last page.",
        ["page_size"] = "Items per page, as asked or the default.",
        ["page"] = "The page number (offset paging); null when paged by cursor.",
        ["total"] = "Matching rows (offset paging only; null by cursor, where counting would scan the range on every page).",
        ["total_is_lower_bound"] = "True when the count stopped at its cap, so total is a lower bound; null without a total.",
        ["status"] = "The state, as the back end or the workers last set it.",
        ["created_at"] = "When it was created (RFC 3339, UTC).",
        ["updated_at"] = "When it last changed (RFC 3339, UTC).",
        ["job_id"] = "The job's id: 32 lowercase hex characters, derived from business id, content and target language.",
        ["business_id"] = "The caller's name for the text.",
        ["result"] = "The translation, once translated.",
        ["attempts"] = "Attempts made so far.",
        ["reused"] = "True when the translation came from translation memory (the same content translated before by the same engine).",
        ["next_attempt_at"] = "When a pending job is next tried; null unless pending.",
        ["count"] = "How many items were accepted.",
        ["waited_ms"] = "How long the barrier waited, in milliseconds.",
        ["streams"] = "Per stream, where the flush stands.",
    };

    private static void Id(OpenApiSchema schema, string field, string description) =>
        Describe(schema, field, $"{description} At most {RecordValidator.MaxIdLength} characters, no control characters.", maxLength: RecordValidator.MaxIdLength);

    private static void Language(OpenApiSchema schema, string field, string description) =>
        Describe(schema, field, description, maxLength: RecordValidator.MaxLanguageTagLength);

    private static void Status(OpenApiSchema schema, IReadOnlySet<string> statuses) =>
        Describe(schema, "status", $"One of: {string.Join(", ", statuses)}.");

    private static void Metadata(OpenApiSchema schema, IngestOptions limits) =>
        Describe(schema, "metadata", $"Any JSON object, stored as given, at most {limits.MaxMetadataBytes} bytes serialized.");

    private static void Timestamps(OpenApiSchema schema, IngestOptions limits)
    {
        Describe(schema, "created_at", "RFC 3339 with offset, from 1970 on.");
        Describe(schema, "updated_at", $"RFC 3339 with offset; decides which state is newest. At most {limits.MaxFutureSkewSeconds} s ahead of the server's clock.");
    }

    private static void Describe(OpenApiSchema schema, string field, string description, int? maxLength = null, int? maxItems = null, int? minimum = null)
    {
        if (schema.Properties is null || !schema.Properties.TryGetValue(field, out var found) || found is not OpenApiSchema property)
        {
            return;
        }

        property.Description = description;
        property.MaxLength ??= maxLength;
        property.MaxItems ??= maxItems;
        if (minimum is { } min)
        {
            property.Minimum = min.ToString(CultureInfo.InvariantCulture);
        }
    }
}
