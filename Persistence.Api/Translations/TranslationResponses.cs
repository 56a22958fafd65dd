using System.Text.Json.Serialization;

namespace Persistence.Api.Translations;

public sealed record JobReference(string JobId, string TargetLang);

public sealed record TranslationAccepted(string Status, string BusinessId, IReadOnlyList<JobReference> Jobs);

public sealed record TranslationBatchAccepted(string Status, int Count, IReadOnlyList<TranslationAccepted> Items);

/// <summary>A job as stored: its state, and its result or last error.</summary>
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
    DateTimeOffset? NextAttemptAt);

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
public sealed partial class TranslationsJsonContext : JsonSerializerContext;
