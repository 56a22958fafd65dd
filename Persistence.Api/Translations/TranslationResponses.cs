using System.Text.Json.Serialization;

namespace Persistence.Api.Translations;

public sealed record JobReference(string JobId, string TargetLang);

public sealed record TranslationAccepted(string Status, string BusinessId, IReadOnlyList<JobReference> Jobs);

public sealed record TranslationBatchAccepted(string Status, int Count, IReadOnlyList<TranslationAccepted> Items);

/// <summary>
/// A job as stored: its state, its result or last error, the engine (and version: the model, for a model-backed one)
/// it was last claimed for or whose translation it carries, and what a reviewer decided.
/// </summary>
public sealed record JobState(
    string JobId,
    string BusinessId,
    string SourceLang,
    string TargetLang,
    string Status,
    string? Result,
    string? Error,
    int Attempts,
    bool Reused,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? NextAttemptAt,
    string? Engine,
    string? EngineVersion,
    JobReview? Review);

/// <summary>A reviewer's decision: <c>approved</c> or <c>rejected</c>, by which key, when, and why.</summary>
public sealed record JobReview(string Status, string? ReviewedBy, DateTimeOffset? ReviewedAt, string? Note);

public sealed record TranslationState(string BusinessId, IReadOnlyList<JobState> Translations);

public sealed record JobPage(IReadOnlyList<JobState> Items, string? NextCursor);

public sealed record JobRequeued(string Status, string JobId);

/// <summary>Source-generated serializers for the translation answers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TranslationAccepted))]
[JsonSerializable(typeof(TranslationBatchAccepted))]
[JsonSerializable(typeof(TranslationState))]
[JsonSerializable(typeof(JobPage))]
[JsonSerializable(typeof(JobRequeued))]
[JsonSerializable(typeof(JobReviewed))]
[JsonSerializable(typeof(ReviewRequest))]
[JsonSerializable(typeof(RequeueRequest))]
[JsonSerializable(typeof(RetranslateRequest))]
[JsonSerializable(typeof(RetranslationAccepted))]
[JsonSerializable(typeof(BulkRequeued))]
[JsonSerializable(typeof(HistoryPage))]
public sealed partial class TranslationsJsonContext : JsonSerializerContext;
