using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Persistence.Contracts;

namespace Translation.Worker.Flushing;

/// <summary>
/// How one stream's records map onto one MySQL table. The first column is the primary key. An insert-only table keeps
/// the first row written for a key: its rows are registrations that other writers then own, so a replay must not
/// reset them, however new its version.
/// </summary>
public sealed class RecordTable<TRecord>(
    string tableName,
    string stream,
    JsonTypeInfo<TRecord> typeInfo,
    Func<TRecord, string?> key,
    Func<TRecord, DateTimeOffset?> updatedAt,
    IReadOnlyList<RecordColumn<TRecord>> columns,
    bool insertOnly = false,
    string versionProperty = "updated_at")
    where TRecord : class
{
    public bool InsertOnly { get; } = insertOnly;

    /// <summary>The JSON property holding the key: the first column's name.</summary>
    public byte[] KeyProperty { get; } = Encoding.UTF8.GetBytes(columns[0].Name);

    /// <summary>The JSON property the row version's timestamp comes from.</summary>
    public byte[] VersionProperty { get; } = Encoding.UTF8.GetBytes(versionProperty);

    /// <summary>The column counted by status in the metrics, when the table has one.</summary>
    public RecordColumn<TRecord>? StatusColumn { get; } = columns.FirstOrDefault(c => c.Name == "status");

    public string TableName { get; } = tableName;
    public string Stream { get; } = stream;
    public JsonTypeInfo<TRecord> TypeInfo { get; } = typeInfo;
    public Func<TRecord, string?> Key { get; } = key;
    public Func<TRecord, DateTimeOffset?> UpdatedAt { get; } = updatedAt;
    public IReadOnlyList<RecordColumn<TRecord>> Columns { get; } = columns;
}

/// <summary>A column and how to read its value from a record.</summary>
public sealed record RecordColumn<TRecord>(string Name, Func<TRecord, object?> Value);

public static class RecordTables
{
    public static RecordTable<SessionRecord> Sessions { get; } = new(
        "translation_sessions",
        PersistenceStreams.Sessions,
        PersistenceJsonContext.Default.SessionRecord,
        r => r.SessionId,
        r => r.UpdatedAt,
        [
            new("session_id", r => r.SessionId),
            new("status", r => r.Status),
            new("source_lang", r => r.SourceLang),
            new("target_langs", r => r.TargetLangs is null ? null : JsonSerializer.Serialize(r.TargetLangs, PersistenceJsonContext.Default.IReadOnlyListString)),
            new("total_tasks", r => r.TotalTasks),
            new("completed_tasks", r => r.CompletedTasks),
            new("failed_tasks", r => r.FailedTasks),
            new("metadata", r => Json(r.Metadata)),
            new("created_at", r => r.CreatedAt?.UtcDateTime),
            new("updated_at", r => r.UpdatedAt?.UtcDateTime),
        ]);

    public static RecordTable<TaskRecord> Tasks { get; } = new(
        "translation_tasks",
        PersistenceStreams.Tasks,
        PersistenceJsonContext.Default.TaskRecord,
        r => r.TaskId,
        r => r.UpdatedAt,
        [
            new("task_id", r => r.TaskId),
            new("session_id", r => r.SessionId),
            new("batch_id", r => r.BatchId),
            new("status", r => r.Status),
            new("source_lang", r => r.SourceLang),
            new("target_lang", r => r.TargetLang),
            new("source_text", r => r.SourceText),
            new("translated_text", r => r.TranslatedText),
            new("error", r => r.Error),
            new("attempts", r => r.Attempts),
            new("metadata", r => Json(r.Metadata)),
            new("created_at", r => r.CreatedAt?.UtcDateTime),
            new("updated_at", r => r.UpdatedAt?.UtcDateTime),
        ]);

    public static RecordTable<TranslationContentRecord> TranslationContents { get; } = new(
        "translation_contents",
        PersistenceStreams.TranslationContents,
        PersistenceJsonContext.Default.TranslationContentRecord,
        r => r.ContentHash,
        r => r.CreatedAt,
        [
            new("content_hash", r => r.ContentHash),
            new("source_lang", r => r.SourceLang),
            new("text", r => r.Text),
            new("context", r => Json(r.Context)),
            new("created_at", r => r.CreatedAt?.UtcDateTime),
        ],
        insertOnly: true,
        versionProperty: "created_at");

    public static RecordTable<TranslationJobRecord> TranslationJobs { get; } = new(
        "translation_jobs",
        PersistenceStreams.TranslationJobs,
        PersistenceJsonContext.Default.TranslationJobRecord,
        r => r.JobId,
        r => r.CreatedAt,
        [
            new("job_id", r => r.JobId),
            new("business_id", r => r.BusinessId),
            new("content_hash", r => r.ContentHash),
            new("source_lang", r => r.SourceLang),
            new("target_lang", r => r.TargetLang),
            new("status", _ => TranslationStatus.Pending),
            new("next_attempt_at", r => r.CreatedAt?.UtcDateTime),
            new("created_at", r => r.CreatedAt?.UtcDateTime),
            new("updated_at", r => r.CreatedAt?.UtcDateTime),
            new("requested_by", r => r.RequestedBy),
        ],
        insertOnly: true,
        versionProperty: "created_at");

    private static string? Json(JsonElement? element) =>
        element is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } value ? value.GetRawText() : null;
}
