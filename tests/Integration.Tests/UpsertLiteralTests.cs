using System.Text.Json;
using MySqlConnector;
using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Flushing;
using Translation.Worker.Flushing.MySql;
using Translation.Worker.Flushing.PostgreSql;
using Persistence.Storage;
using Persistence.Storage.PostgreSql;

namespace Integration.Tests;

/// <summary>
/// The flush path writes values into its statement as literals instead of parameters. These run the worker's own
/// writer against the stack's MariaDB under both ways the server can read a string literal (backslash as an escape,
/// the default, and <c>NO_BACKSLASH_ESCAPES</c>), with the text a literal could be broken by.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class UpsertLiteralTests(StackFixture stack)
{
    internal static readonly string[] AwkwardTexts =
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

    internal static KeyStates<TaskRecord> States(TaskRecord task, int index)
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

/// <summary>
/// The same texts through the PostgreSQL writer, whose literals only double quotes (a backslash is an ordinary
/// character under standard_conforming_strings). A NUL, which PostgreSQL's text cannot hold, is refused before the
/// statement is sent, as data the database rejects, so the flush dead-letters the record instead of retrying it.
/// </summary>
[Collection(PostgresStackDefinition.Name)]
public sealed class UpsertLiteralTestsOnPostgres(PostgresStackFixture stack)
{
    [Fact]
    public async Task Every_awkward_text_but_a_NUL_is_stored_exactly_as_sent()
    {
        var prefix = Records.Prefix();
        var updatedAt = new DateTimeOffset(2026, 12, 5, 1, 2, 3, TimeSpan.Zero).AddTicks(1234560);
        var texts = UpsertLiteralTests.AwkwardTexts.Where(t => !t.Contains('\0', StringComparison.Ordinal)).ToList();
        var tasks = texts.Select((text, i) => Task(prefix, i, text, updatedAt)).ToList();

        await using var db = stack.OpenStorage();
        await using (var transaction = await db.BeginTransactionAsync())
        {
            var writer = new PostgreSqlUpsertWriter<TaskRecord>(RecordTables.Tasks);
            await writer.WriteAsync(db, transaction, tasks.Select(UpsertLiteralTests.States).ToList(), 4 * 1024 * 1024, CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using var read = StorageSql.Command(
            db, "SELECT task_id, source_text, translated_text, error, attempts, updated_at FROM translation_tasks WHERE session_id = @session ORDER BY attempts", ("@session", $"{prefix}.s"));
        await using var reader = await read.ExecuteReaderAsync();
        var stored = new List<(string, string, string, string, int, DateTime)>();
        while (await reader.ReadAsync())
        {
            stored.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetDateTime(5)));
        }

        Assert.Equal(tasks.Select(t => (t.TaskId!, t.SourceText!, t.TranslatedText!, t.Error!, t.Attempts!.Value, updatedAt.UtcDateTime)), stored);
    }

    [Fact]
    public async Task A_NUL_in_a_text_is_refused_before_anything_is_sent_as_data_the_database_rejects()
    {
        var task = Task(Records.Prefix(), 0, "a\0b", DateTimeOffset.UtcNow);
        await using var db = stack.OpenStorage();
        await using var transaction = await db.BeginTransactionAsync();
        var writer = new PostgreSqlUpsertWriter<TaskRecord>(RecordTables.Tasks);

        var refused = await Assert.ThrowsAsync<RejectedValueException>(
            () => writer.WriteAsync(db, transaction, [UpsertLiteralTests.States(task, 0)], 4 * 1024 * 1024, CancellationToken.None));
        Assert.True(new PostgreSqlDialect().IsRejectedData(refused));
        Assert.Contains("NUL", refused.Message, StringComparison.Ordinal);
    }

    private static TaskRecord Task(string prefix, int i, string text, DateTimeOffset updatedAt) => new()
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
        CreatedAt = updatedAt.AddSeconds(-1),
        UpdatedAt = updatedAt,
    };
}
