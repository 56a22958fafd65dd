using System.Text.Json;
using MySqlConnector;
using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Flushing;
using Translation.Worker.Flushing.MySql;

namespace Integration.Tests;

/// <summary>
/// The flush path writes values into its statement as literals instead of parameters. These run the worker's own
/// writer against the stack's MariaDB under both ways the server can read a string literal (backslash as an escape,
/// the default, and <c>NO_BACKSLASH_ESCAPES</c>), with the text a literal could be broken by.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class UpsertLiteralTests(StackFixture stack)
{
    private static readonly string[] AwkwardTexts =
    [
        "it's", "''", "\\", "ends with a backslash\\", "\\' or 1=1 -- ", "a\0b", "?", "@name", "-- not a comment",
        "/* neither */", "# nor this", "\"double\"", "tab\tnew\nline\r", "\u001a", "翻译 🚀 é", "`backtick`", "",
    ];

    public static TheoryData<string> SqlModes => new() { "", "NO_BACKSLASH_ESCAPES" };

    [Theory]
    [MemberData(nameof(SqlModes))]
    public async Task Every_awkward_text_a_task_holds_is_stored_exactly_as_sent_whichever_way_the_server_reads_backslashes(string extraMode)
    {
        var prefix = Records.Prefix();
        var updatedAt = new DateTimeOffset(2026, 12, 5, 1, 2, 3, TimeSpan.Zero).AddTicks(1234560);
        var metadata = JsonDocument.Parse("""{"quote":"it's","escaped":"a\"b\\c\n","unicode":"\u00e9\ud83d\ude80"}""").RootElement;
        var tasks = AwkwardTexts.Select((text, i) => new TaskRecord
        {
            TaskId = $"{prefix}.{i}",
            SessionId = $"{prefix}.s",
            Status = "completed",
            SourceLang = "en",
            TargetLang = "zh",
            SourceText = text,
            TranslatedText = text + text,
            Error = text,
            Attempts = i,
            Metadata = metadata,
            CreatedAt = updatedAt.AddSeconds(-1),
            UpdatedAt = updatedAt,
        }).ToList();

        await using var db = stack.OpenDatabase();
        await ExecuteAsync(db, $"SET SESSION sql_mode = CONCAT_WS(',', @@SESSION.sql_mode, NULLIF('{extraMode}', ''))");
        await using (var transaction = await db.BeginTransactionAsync())
        {
            var writer = new MySqlUpsertWriter<TaskRecord>(RecordTables.Tasks);
            await writer.WriteAsync(db, transaction, tasks.Select(States).ToList(), 4 * 1024 * 1024, CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using var read = new MySqlCommand(
            "SELECT task_id, source_text, translated_text, error, attempts, metadata, updated_at, @@SESSION.sql_mode " +
            "FROM translation_tasks WHERE session_id = @session ORDER BY attempts", db);
        read.Parameters.AddWithValue("@session", $"{prefix}.s");
        await using var reader = await read.ExecuteReaderAsync();
        var stored = new List<(string Id, string Source, string Translated, string Error, int Attempts, string Metadata, DateTime UpdatedAt)>();
        var sqlMode = "";
        while (await reader.ReadAsync())
        {
            stored.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetString(5), reader.GetDateTime(6)));
            sqlMode = reader.GetString(7);
        }

        Assert.Equal(extraMode.Length > 0, sqlMode.Contains("NO_BACKSLASH_ESCAPES", StringComparison.Ordinal));
        Assert.Equal(
            tasks.Select(t => (t.TaskId!, t.SourceText!, t.TranslatedText!, t.Error!, t.Attempts!.Value, metadata.GetRawText(), updatedAt.UtcDateTime)),
            stored);
    }

    private static KeyStates<TaskRecord> States(TaskRecord task, int index)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(task, PersistenceJsonContext.Default.TaskRecord);
        var id = new StreamId(1_000_000, (ulong)index);
        var entry = new StreamEntry(id.ToString(), [new NameValueEntry(PersistenceStreams.Fields.Record, json)]);
        var item = new FlushItem<TaskRecord>(id, entry, task.TaskId, RowVersion.Create(task.UpdatedAt!.Value, id), json.Length, default, null)
        {
            Record = task,
            Raw = json,
        };
        return new KeyStates<TaskRecord>(task.TaskId!, item);
    }

    private static async Task ExecuteAsync(MySqlConnection db, string sql)
    {
        await using var command = new MySqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }
}
