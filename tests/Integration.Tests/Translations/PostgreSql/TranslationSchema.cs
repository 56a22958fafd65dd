using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Persistence.Storage;
using Persistence.Storage.PostgreSql;
using Translation.Worker.Migrations;

namespace Integration.Tests.Translations.PostgreSql;

/// <summary>
/// The worker's PostgreSQL migrations, run by its own runner into a schema of their own on the PostgreSQL stack's
/// server, and dropped afterwards. The data source is set up as the storage seam sets up its own: every session in UTC.
/// </summary>
public sealed class TranslationSchema(string connectionString) : IAsyncLifetime
{
    private readonly string _schema = "translations_" + Guid.NewGuid().ToString("N")[..12];

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public StorageDialect Dialect { get; } = new PostgreSqlDialect();

    public async Task InitializeAsync()
    {
        await using (var admin = NpgsqlDataSource.Create(connectionString))
        await using (var create = admin.CreateCommand($"CREATE SCHEMA {_schema}"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.SearchPath = _schema;
        builder.ConnectionStringBuilder.Timezone = "UTC";
        DataSource = builder.Build();
        await new MigrationRunner(DataSource, Dialect, NullLogger<MigrationRunner>.Instance).ApplyPendingAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (DataSource is null)
        {
            return;
        }

        await using (var drop = DataSource.CreateCommand($"DROP SCHEMA {_schema} CASCADE"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await DataSource.DisposeAsync();
    }

    public async Task<object?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.AddParameter(name, value);
        }

        return await command.ExecuteScalarAsync();
    }

    public async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.AddParameter(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A content and a job of it, as the flush writes them (the trigger records the request).</summary>
    /// <param name="dueIn">When the job is due, from now on the database's clock; negative for overdue.</param>
    public async Task AddJobAsync(
        string jobId, string businessId, string hash, string targetLang, string status = "pending", int attempts = 0, double dueIn = -60,
        double createdAgo = 0)
    {
        await ExecuteAsync(
            "INSERT INTO translation_contents VALUES (@hash, 'en', @text, NULL, clock_timestamp(), '\\x01') ON CONFLICT DO NOTHING",
            ("@hash", hash), ("@text", $"text of {hash[..8]}"));
        await ExecuteAsync(
            """
            INSERT INTO translation_jobs (job_id, business_id, content_hash, source_lang, target_lang, status, attempts, next_attempt_at,
                                          created_at, updated_at, row_version, requested_by)
            VALUES (@job, @business, @hash, 'en', @lang, @status, @attempts, clock_timestamp() + @due * INTERVAL '1 second',
                    clock_timestamp() - @ago * INTERVAL '1 second', clock_timestamp(), '\x01', 'tester')
            """,
            ("@job", jobId), ("@business", businessId), ("@hash", hash), ("@lang", targetLang), ("@status", status), ("@attempts", attempts),
            ("@due", dueIn), ("@ago", createdAgo));
    }

    public static string NewId() => Guid.NewGuid().ToString("N");

    public static string NewHash() => NewId() + NewId();
}
