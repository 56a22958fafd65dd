using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Persistence.Contracts;

namespace Persistence.Api.Ingest;

/// <summary>
/// Checks every record of a batch against what the MySQL schema can store, so that a batch is either accepted whole
/// or refused whole with every problem listed, and the worker never meets a record the database rejects.
/// </summary>
public sealed partial class RecordValidator(IOptions<IngestOptions> options, TimeProvider time)
{
    public const int MaxIdLength = 64;
    public const int MaxLanguageTagLength = 35;
    public const int MaxTargetLanguages = 64;
    public const int MaxErrorLength = 16_000;

    public static readonly IReadOnlySet<string> SessionStatuses =
        new HashSet<string>(RecordStatus.OfSessions, StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> TaskStatuses =
        new HashSet<string>(RecordStatus.OfTasks, StringComparer.Ordinal);

    // DATETIME(6) holds years 1000-9999; anything before the epoch is a client bug, not a translation.
    private static readonly DateTimeOffset EarliestTimestamp = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly SearchValues<char> ControlCharacters =
        SearchValues.Create(Enumerable.Range(0, 32).Select(c => (char)c).Append((char)127).ToArray());

    // Lone surrogates would be replaced when the id is encoded for MySQL, so two different ids would share one row.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IngestOptions _options = options.Value;

    public IReadOnlyList<FieldError> Validate(IReadOnlyList<SessionRecord?> sessions)
    {
        var errors = new List<FieldError>();
        var latest = LatestTimestamp();
        for (var i = 0; i < sessions.Count; i++)
        {
            if (sessions[i] is not { } session)
            {
                errors.Add(new(i, "", "must be an object"));
                continue;
            }

            RequireId(errors, i, "session_id", session.SessionId);
            RequireStatus(errors, i, session.Status, SessionStatuses);
            CheckLanguage(errors, i, "source_lang", session.SourceLang);
            if (session.TargetLangs is { } targets)
            {
                if (targets.Count > MaxTargetLanguages)
                {
                    errors.Add(new(i, "target_langs", $"at most {MaxTargetLanguages} languages"));
                }

                for (var t = 0; t < targets.Count; t++)
                {
                    CheckLanguage(errors, i, $"target_langs[{t}]", targets[t], required: true);
                }
            }

            CheckCount(errors, i, "total_tasks", session.TotalTasks);
            CheckCount(errors, i, "completed_tasks", session.CompletedTasks);
            CheckCount(errors, i, "failed_tasks", session.FailedTasks);
            CheckMetadata(errors, i, session.Metadata);
            CheckTimestamps(errors, i, session.CreatedAt, session.UpdatedAt, latest);
        }

        return errors;
    }

    public IReadOnlyList<FieldError> Validate(IReadOnlyList<TaskRecord?> tasks)
    {
        var errors = new List<FieldError>();
        var latest = LatestTimestamp();
        for (var i = 0; i < tasks.Count; i++)
        {
            if (tasks[i] is not { } task)
            {
                errors.Add(new(i, "", "must be an object"));
                continue;
            }

            RequireId(errors, i, "task_id", task.TaskId);
            RequireId(errors, i, "session_id", task.SessionId);
            if (task.BatchId is not null)
            {
                RequireId(errors, i, "batch_id", task.BatchId);
            }

            RequireStatus(errors, i, task.Status, TaskStatuses);
            CheckLanguage(errors, i, "source_lang", task.SourceLang);
            CheckLanguage(errors, i, "target_lang", task.TargetLang);
            CheckText(errors, i, "source_text", task.SourceText, _options.MaxTextLength);
            CheckText(errors, i, "translated_text", task.TranslatedText, _options.MaxTextLength);
            CheckText(errors, i, "error", task.Error, MaxErrorLength);
            CheckCount(errors, i, "attempts", task.Attempts);
            CheckMetadata(errors, i, task.Metadata);
            CheckTimestamps(errors, i, task.CreatedAt, task.UpdatedAt, latest);
        }

        return errors;
    }

    private static void RequireId(List<FieldError> errors, int index, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new(index, field, "is required"));
        }
        else if (value.Length > MaxIdLength)
        {
            errors.Add(new(index, field, $"must be at most {MaxIdLength} characters"));
        }
        else if (value.AsSpan().ContainsAny(ControlCharacters))
        {
            errors.Add(new(index, field, "must not contain control characters"));
        }
        else if (CollationProblem(value) is { } problem)
        {
            errors.Add(new(index, field, problem));
        }
    }

    /// <summary>
    /// Why MySQL would file <paramref name="value"/> under another id, or null. Its PAD SPACE collation compares
    /// "a" and "a " as equal, so the two would overwrite each other's row.
    /// </summary>
    internal static string? CollationProblem(string value)
    {
        if (value.EndsWith(' '))
        {
            return "must not end with a space (the database compares ids without trailing spaces)";
        }

        try
        {
            StrictUtf8.GetByteCount(value);
            return null;
        }
        catch (EncoderFallbackException)
        {
            return "must be valid Unicode (no unpaired surrogate escapes)";
        }
    }

    private static void RequireStatus(List<FieldError> errors, int index, string? status, IReadOnlySet<string> allowed)
    {
        if (status is null)
        {
            errors.Add(new(index, "status", "is required"));
        }
        else if (!allowed.Contains(status))
        {
            errors.Add(new(index, "status", $"must be one of: {string.Join(", ", allowed)}"));
        }
    }

    private static void CheckLanguage(List<FieldError> errors, int index, string field, string? value, bool required = false)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add(new(index, field, "is required"));
            }

            return;
        }

        if (value.Length > MaxLanguageTagLength || !LanguageTag().IsMatch(value))
        {
            errors.Add(new(index, field, "must be a BCP 47 language tag such as en, zh-CN or pt-BR"));
        }
    }

    private static void CheckCount(List<FieldError> errors, int index, string field, int? value)
    {
        if (value < 0)
        {
            errors.Add(new(index, field, "must not be negative"));
        }
    }

    private static void CheckText(List<FieldError> errors, int index, string field, string? value, int maxLength)
    {
        if (value?.Length > maxLength)
        {
            errors.Add(new(index, field, $"must be at most {maxLength} characters"));
        }
    }

    private void CheckMetadata(List<FieldError> errors, int index, JsonElement? metadata)
    {
        if (metadata is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(index, "metadata", "must be a JSON object"));
        }
        else if (value.GetRawText().Length > _options.MaxMetadataBytes)
        {
            errors.Add(new(index, "metadata", $"must serialize to at most {_options.MaxMetadataBytes} bytes"));
        }
        else if (!JsonNesting.IsStorable(value))
        {
            errors.Add(new(index, "metadata", $"must nest arrays and objects at most {JsonNesting.MaxStored} deep"));
        }
    }

    private DateTimeOffset LatestTimestamp() => time.GetUtcNow().AddSeconds(_options.MaxFutureSkewSeconds);

    private void CheckTimestamps(List<FieldError> errors, int index, DateTimeOffset? createdAt, DateTimeOffset? updatedAt, DateTimeOffset latest)
    {
        CheckTimestamp(errors, index, "created_at", createdAt);
        CheckTimestamp(errors, index, "updated_at", updatedAt);
        if (updatedAt > latest)
        {
            errors.Add(new(index, "updated_at", $"must not be more than {_options.MaxFutureSkewSeconds} s ahead of the server's clock"));
        }

        if (createdAt is { } created && updatedAt is { } updated && updated < created)
        {
            errors.Add(new(index, "updated_at", "must not be earlier than created_at"));
        }
    }

    private static void CheckTimestamp(List<FieldError> errors, int index, string field, DateTimeOffset? value)
    {
        if (value is null)
        {
            errors.Add(new(index, field, "is required (RFC 3339, e.g. 2026-01-31T12:00:00Z)"));
        }
        else if (value < EarliestTimestamp)
        {
            errors.Add(new(index, field, "must not be before 1970-01-01T00:00:00Z"));
        }
    }

    internal static bool IsLanguageTag(string value) => value.Length <= MaxLanguageTagLength && LanguageTag().IsMatch(value);

    internal static bool HasControlCharacters(string value) => value.AsSpan().ContainsAny(ControlCharacters);

    [GeneratedRegex("^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();
}
