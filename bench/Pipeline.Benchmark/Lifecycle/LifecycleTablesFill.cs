using System.Globalization;
using MySqlConnector;

namespace Pipeline.Benchmark.Lifecycle;

/// <summary>
/// Keeps the pipeline's tables and the naive API's copies of them at the same row counts before each measured phase
/// (the larger of the two, at least the preload asked for), so neither design writes into a smaller table: rows of
/// the benchmark's own size from MariaDB's sequence engine, ids of their own (<c>lcpre-</c>), in chunks of 200,000
/// so the undo log stays small. A session row per 640 task rows, as the workload has.
/// </summary>
public sealed class LifecycleTablesFill(string connectionString, string runId)
{
    private const int Chunk = 200_000;

    private readonly Dictionary<string, long> _added = [];

    /// <summary>Fills each table of each pair to the larger count of the pair (and at least the minimum); returns the counts.</summary>
    public async Task<(long Tasks, long Sessions)> EqualizeAsync(
        (string Pipeline, string Naive) tasks, (string Pipeline, string Naive) sessions, long minimumTasks)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        var taskRows = Math.Max(minimumTasks, Math.Max(await CountAsync(connection, tasks.Pipeline), await CountAsync(connection, tasks.Naive)));
        var sessionRows = Math.Max(minimumTasks / LifecycleSession.Tasks, Math.Max(await CountAsync(connection, sessions.Pipeline), await CountAsync(connection, sessions.Naive)));
        foreach (var table in (string[])[tasks.Pipeline, tasks.Naive])
        {
            await FillAsync(connection, table, taskRows - await CountAsync(connection, table), isTasks: true);
        }

        foreach (var table in (string[])[sessions.Pipeline, sessions.Naive])
        {
            await FillAsync(connection, table, sessionRows - await CountAsync(connection, table), isTasks: false);
        }

        return (taskRows, sessionRows);
    }

    private static async Task<long> CountAsync(MySqlConnection connection, string table)
    {
        await using var command = new MySqlCommand($"SELECT COUNT(*) FROM {table}", connection) { CommandTimeout = 900 };
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private async Task FillAsync(MySqlConnection connection, string table, long rows, bool isTasks)
    {
        var done = _added.GetValueOrDefault(table);
        var end = done + Math.Max(0, rows);
        while (done < end)
        {
            var from = (done + 1).ToString(CultureInfo.InvariantCulture);
            var to = Math.Min(end, done + Chunk).ToString(CultureInfo.InvariantCulture);
            // Three MD5s are 96 hex characters: a text per row of the size the load sends, without repeating one.
            const string Text = "LEFT(CONCAT(MD5(seq), MD5(seq + 1), MD5(seq + 2)), 95)";
            var sql = isTasks
                ? $$"""
                  INSERT INTO {{table}}
                      (task_id, session_id, batch_id, status, source_lang, target_lang, source_text, translated_text, error,
                       attempts, metadata, created_at, updated_at, row_version)
                  SELECT CONCAT('lcpre-{{runId}}-', LPAD(seq, 9, '0')), CONCAT('lcpre-{{runId}}-s', LPAD(seq DIV 640, 6, '0')),
                         'preload', 'completed', 'en', 'fr', {{Text}}, UPPER({{Text}}), NULL, 1, '{"preload":true}',
                         NOW(6), NOW(6), UNHEX(REPEAT('00', 24))
                  FROM seq_{{from}}_to_{{to}}
                  """
                : $$"""
                  INSERT INTO {{table}}
                      (session_id, status, source_lang, target_langs, total_tasks, completed_tasks, failed_tasks, metadata,
                       created_at, updated_at, row_version)
                  SELECT CONCAT('lcpre-{{runId}}-s', LPAD(seq, 6, '0')), 'completed', 'en', '["fr"]', 640, 640, 32,
                         '{"preload":true}', NOW(6), NOW(6), UNHEX(REPEAT('00', 24))
                  FROM seq_{{from}}_to_{{to}}
                  """;
            await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 900 };
            await command.ExecuteNonQueryAsync();
            done = long.Parse(to, CultureInfo.InvariantCulture);
        }

        _added[table] = done;
    }
}
