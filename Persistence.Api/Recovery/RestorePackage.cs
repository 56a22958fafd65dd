using System.Data.Common;
using System.Text.Json;
using Persistence.Api.Queries;
using Persistence.Contracts;
using Persistence.Contracts.Queries;
using Persistence.Storage;

namespace Persistence.Api.Recovery;

/// <summary>
/// Writes the restore package with a <see cref="Utf8JsonWriter"/> while the task rows are read, handing the bytes to
/// the response every few dozen kilobytes: memory stays at one row plus that buffer, whatever the number of tasks.
/// The package ends with <c>task_count</c> and <c>"complete": true</c>; a transfer cut short (the status code is
/// sent before the first task) is recognisable by their absence.
/// </summary>
public sealed class RestorePackage(
    DbConnection connection,
    DbTransaction transaction,
    SessionDetail session,
    Consistency consistency,
    IReadOnlyList<FlushPosition>? position,
    DateTimeOffset restoredAt,
    ILogger logger)
{
    private const int FlushThresholdBytes = 32 * 1024;

    /// <summary>A range read of (session_id, status) in index order; no sort.</summary>
    public static DbCommand BuildTasksCommand(DbConnection connection, string sessionId)
    {
        var command = connection.CreateCommand();
        command.AddParameter("@session_id", sessionId);
        var statuses = command.AddList("status", RecordStatus.UnfinishedTasks);
        command.CommandText = $"SELECT {TaskQueries.DetailColumns} FROM translation_tasks WHERE session_id = @session_id AND status IN ({statuses})";
        return command;
    }

    /// <summary>Writes the package; past <paramref name="limit"/> the write is abandoned and the transfer cut.</summary>
    public async Task WriteAsync(Stream body, TimeSpan limit, TimeProvider time, CancellationToken requestAborted)
    {
        long count = 0;
        using var deadline = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, deadline.Token);
        var cancellationToken = linked.Token;
        try
        {
            await using var writer = new Utf8JsonWriter(body);
            writer.WriteStartObject();
            writer.WriteString("restored_at", restoredAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("consistency", consistency == Consistency.Strong ? "strong" : "eventual");
            WriteFlushPosition(writer);
            writer.WritePropertyName("session");
            WriteSession(writer);

            writer.WriteStartArray("tasks");
            await using (var command = BuildTasksCommand(connection, session.SessionId))
            {
                command.Transaction = transaction;
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    WriteTask(writer, reader);
                    count++;
                    if (writer.BytesPending > FlushThresholdBytes)
                    {
                        await writer.FlushAsync(cancellationToken);
                    }
                }
            }

            writer.WriteEndArray();
            writer.WriteNumber("task_count", count);
            writer.WriteBoolean("complete", true);
            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or IOException or OperationCanceledException)
        {
            Log.RestoreAborted(logger, session.SessionId, count, ex);
            throw;
        }
        finally
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private void WriteFlushPosition(Utf8JsonWriter writer)
    {
        writer.WritePropertyName("flush_position");
        if (position is null)
        {
            // Redis did not answer: the package is what the database held, with no statement of what it may lack.
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        foreach (var stream in position)
        {
            writer.WriteStartObject();
            writer.WriteString("stream", stream.Stream);
            writer.WriteString("last_generated_id", stream.LastGeneratedId);
            if (stream.UncommittedEntries is { } uncommitted)
            {
                writer.WriteNumber("uncommitted_entries", uncommitted);
            }
            else
            {
                writer.WriteNull("uncommitted_entries");
            }

            writer.WriteString("oldest_uncommitted_id", stream.OldestUncommittedId);
            writer.WriteNumber("lag_ms", stream.LagMilliseconds);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private void WriteSession(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("session_id", session.SessionId);
        writer.WriteString("status", session.Status);
        writer.WriteString("source_lang", session.SourceLang);
        WriteJson(writer, "target_langs", session.TargetLangs);
        WriteNumber(writer, "total_tasks", session.TotalTasks);
        WriteNumber(writer, "completed_tasks", session.CompletedTasks);
        WriteNumber(writer, "failed_tasks", session.FailedTasks);
        WriteJson(writer, "metadata", session.Metadata);
        WriteTimestamp(writer, "created_at", session.CreatedAt);
        WriteTimestamp(writer, "updated_at", session.UpdatedAt);
        writer.WriteEndObject();
    }

    /// <summary>Column by column, straight from the reader: no record per row, and JSON columns copied raw.</summary>
    private static void WriteTask(Utf8JsonWriter writer, DbDataReader reader)
    {
        writer.WriteStartObject();
        writer.WriteString("task_id", reader.GetString(0));
        writer.WriteString("session_id", reader.GetString(1));
        writer.WriteString("batch_id", Rows.String(reader, 2));
        writer.WriteString("status", reader.GetString(3));
        writer.WriteString("source_lang", Rows.String(reader, 4));
        writer.WriteString("target_lang", Rows.String(reader, 5));
        writer.WriteString("source_text", Rows.String(reader, 6));
        writer.WriteString("translated_text", Rows.String(reader, 7));
        writer.WriteString("error", Rows.String(reader, 8));
        WriteNumber(writer, "attempts", Rows.Int(reader, 9));
        writer.WritePropertyName("metadata");
        if (reader.IsDBNull(10))
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteRawValue(StoredJson.Readable(reader.GetString(10)));
        }

        WriteTimestamp(writer, "created_at", Rows.Timestamp(reader, 11));
        WriteTimestamp(writer, "updated_at", Rows.Timestamp(reader, 12));
        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteJson(Utf8JsonWriter writer, string name, JsonElement? value)
    {
        writer.WritePropertyName(name);
        if (value is { } element)
        {
            element.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void WriteTimestamp(Utf8JsonWriter writer, string name, DateTimeOffset value) =>
        writer.WriteString(name, value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
}
