using System.Diagnostics;
using System.Globalization;
using MySqlConnector;

namespace Pipeline.Benchmark;

/// <summary>
/// Fills translation_tasks with rows of the benchmark's own size (ids, a 95-character source text and as long a
/// translation, metadata) straight in MariaDB, from its sequence engine (<c>seq_1_to_N</c>), so the end-to-end rate
/// can be read with millions of rows already present. The ids (<c>preload-</c>) never meet the load's, each row's
/// text differs, and every chunk is its own transaction so the undo log stays small.
/// </summary>
public sealed class Preload(string connectionString, string runId)
{
    private const int Chunk = 200_000;

    public long Rows { get; private set; }

    /// <summary>Adds rows until this run has preloaded <paramref name="total"/>; returns the seconds it took.</summary>
    public async Task<double> FillToAsync(long total, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        while (Rows < total)
        {
            var from = Rows + 1;
            var to = Math.Min(total, Rows + Chunk);
            // Three MD5s are 96 hex characters: a text per row of the size the load sends, without repeating one.
            var text = "LEFT(CONCAT(MD5(seq), MD5(seq + 1), MD5(seq + 2)), 95)";
            await using var command = new MySqlCommand(
                $$"""
                INSERT INTO translation_tasks
                    (task_id, session_id, batch_id, status, source_lang, target_lang, source_text, translated_text, error,
                     attempts, metadata, created_at, updated_at, row_version)
                SELECT CONCAT('preload-{{runId}}-', LPAD(seq, 9, '0')), CONCAT('preload-{{runId}}-s', LPAD(seq DIV 1000, 6, '0')),
                       'preload', 'completed', 'en', 'fr', {{text}}, UPPER({{text}}), NULL, 1, '{"preload":true}',
                       NOW(6), NOW(6), UNHEX(REPEAT('00', 24))
                FROM seq_{{from.ToString(CultureInfo.InvariantCulture)}}_to_{{to.ToString(CultureInfo.InvariantCulture)}}
                """,
                connection)
            {
                CommandTimeout = 900,
            };
            await command.ExecuteNonQueryAsync();
            Rows = to;
            if (Rows % 1_000_000 == 0 || Rows == total)
            {
                log(string.Create(CultureInfo.InvariantCulture, $"  preloaded {Rows:N0} rows ({clock.Elapsed.TotalSeconds:F0} s)"));
            }
        }

        return clock.Elapsed.TotalSeconds;
    }
}
