using System.Diagnostics;
using MySqlConnector;
using Npgsql;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Pipeline.Benchmark;

/// <summary>
/// A raw rate the pipeline's figures are divided by, and for a database ceiling the database server's CPU per record
/// (µs of one core, its child processes included), where it was measured.
/// </summary>
public sealed record Ceiling(string Name, double RecordsPerSecond, string How, double? DatabaseCpuMicrosPerRecord = null);

/// <summary>What Redis and MariaDB or PostgreSQL can do on this machine with nothing of the platform in between.</summary>
public static class Ceilings
{
    private const string Stream = "bench:ceiling";

    /// <summary>
    /// XADD of records of the same JSON, in MULTI/EXEC transactions of <paramref name="batch"/> entries as the API
    /// appends a batch, with several transactions in flight on one multiplexer as the API replicas have.
    /// </summary>
    public static async Task<Ceiling> RedisAsync(string connectionString, Payloads payloads, int batch, int inFlight, TimeSpan duration)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var database = redis.GetDatabase();
        var record = payloads.Record();
        long records = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                var transaction = database.CreateTransaction();
                var appends = new Task[batch];
                for (var i = 0; i < batch; i++)
                {
                    appends[i] = transaction.StreamAddAsync(Stream, [new(PersistenceStreams.Fields.Record, record), new(PersistenceStreams.Fields.Caller, "dev")]);
                }

                await transaction.ExecuteAsync();
                await Task.WhenAll(appends);
                Interlocked.Add(ref records, batch);
            }
        }));
        var rate = records / clock.Elapsed.TotalSeconds;
        await database.KeyDeleteAsync(Stream);
        return new Ceiling($"Redis XADD, MULTI of {batch}", rate, $"{inFlight} transactions in flight, {record.Length}-byte record");
    }

    /// <summary>The worker's upsert into a scratch copy of translation_tasks, one connection, batches back to back.</summary>
    public static async Task<Ceiling> MySqlAsync(string connectionString, Payloads payloads, int batch, TimeSpan duration, (string Name, int Pid)? database = null)
    {
        const string Table = "bench_tasks";
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await Upsert.CreateScratchTableAsync(connection, Table, CancellationToken.None);
        long records = 0;
        var cpu = database is { } server ? CpuUse.Start([server]) : null;
        var clock = Stopwatch.StartNew();
        var writing = TimeSpan.Zero;
        // At least three statements even when one takes longer than the phase.
        for (var i = 0; clock.Elapsed < duration || i < 3; i++)
        {
            var rows = payloads.Rows(batch);
            var started = clock.Elapsed;
            await Upsert.WriteAsync(connection, Table, rows, CancellationToken.None);
            writing += clock.Elapsed - started;
            records += batch;
        }

        var cpuPerRecord = MicrosPerRecord(cpu, database, records);
        await Upsert.DropAsync(connection, Table);
        // Only the time in MySQL counts: building the rows is the benchmark's cost, not the database's.
        return new Ceiling($"MariaDB upsert, {batch} rows", records / writing.TotalSeconds, "one connection, one transaction per statement, new keys", cpuPerRecord);
    }

    /// <summary>
    /// The same upsert on <paramref name="connections"/> connections at once, each writing its own new keys into one
    /// table as the flushers do: the ceiling of a flush path with that many MySQL connections. Wall time counts, since
    /// the statements overlap.
    /// </summary>
    public static async Task<Ceiling> MySqlParallelAsync(
        string connectionString, Payloads payloads, int batch, int connections, TimeSpan duration, UpsertShape shape = UpsertShape.Text,
        (string Name, int Pid)? database = null)
    {
        const string Table = "bench_tasks";
        var builder = new MySqlConnectionStringBuilder(connectionString) { AllowLoadLocalInfile = shape == UpsertShape.BulkCopy };
        await using (var setup = new MySqlConnection(builder.ConnectionString))
        {
            await setup.OpenAsync();
            await Upsert.CreateScratchTableAsync(setup, Table, CancellationToken.None);
        }

        long records = 0;
        var cpu = database is { } server ? CpuUse.Start([server]) : null;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            await using var connection = new MySqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            for (var i = 0; clock.Elapsed < duration || i < 3; i++)
            {
                await Upsert.WriteAsync(connection, Table, payloads.Rows(batch), shape, CancellationToken.None);
                Interlocked.Add(ref records, batch);
            }
        }));
        var rate = records / clock.Elapsed.TotalSeconds;
        var cpuPerRecord = MicrosPerRecord(cpu, database, records);
        await using (var cleanup = new MySqlConnection(builder.ConnectionString))
        {
            await cleanup.OpenAsync();
            await Upsert.DropAsync(cleanup, Table);
        }

        return new Ceiling(
            $"{ParallelPrefix}{batch} rows, {connections} connections{(shape == UpsertShape.Text ? "" : $", {shape}")}",
            rate,
            "one transaction per statement per connection, new keys, wall time",
            cpuPerRecord);
    }

    /// <summary>What the names of the multi-connection ceilings start with (the one-connection ones start "MariaDB upsert").</summary>
    public const string ParallelPrefix = "MariaDB parallel upsert, ";

    /// <summary>What the names of PostgreSQL's multi-connection ceilings start with (the one-connection ones start "PostgreSQL upsert").</summary>
    public const string PostgreSqlParallelPrefix = "PostgreSQL parallel upsert, ";

    /// <summary>
    /// The worker's PostgreSQL upsert of <paramref name="batch"/> new keys per transaction, on
    /// <paramref name="connections"/> connections at once into one scratch table, as the flushers write: with one
    /// connection only the time in the statements counts (building the rows is the benchmark's cost), with several the
    /// wall time, since they overlap. The server's CPU (the postmaster and its backends) is read over the same span.
    /// </summary>
    public static async Task<Ceiling> PostgreSqlAsync(
        string connectionString, Payloads payloads, int batch, int connections, TimeSpan duration, (string Name, int Pid) database)
    {
        var upsert = new PostgreSqlUpsert("bench_tasks");
        await using (var setup = new NpgsqlConnection(connectionString))
        {
            await setup.OpenAsync();
            await upsert.CreateScratchTableAsync(setup);
        }

        long records = 0;
        long writingTicks = 0;
        var cpu = CpuUse.Start([database]);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            // At least three statements even when one takes longer than the phase.
            for (var i = 0; clock.Elapsed < duration || i < 3; i++)
            {
                var states = upsert.States(payloads, batch);
                var started = Stopwatch.GetTimestamp();
                await upsert.WriteAsync(connection, states);
                Interlocked.Add(ref writingTicks, Stopwatch.GetTimestamp() - started);
                Interlocked.Add(ref records, batch);
            }
        }));
        var wall = clock.Elapsed;
        var cpuPerRecord = MicrosPerRecord(cpu, database, records);
        await using (var cleanup = new NpgsqlConnection(connectionString))
        {
            await cleanup.OpenAsync();
            await upsert.DropAsync(cleanup);
        }

        return connections == 1
            ? new Ceiling($"PostgreSQL upsert, {batch} rows", records / Stopwatch.GetElapsedTime(0, writingTicks).TotalSeconds, "one connection, one transaction per statement, new keys, the worker's PostgreSqlUpsertWriter", cpuPerRecord)
            : new Ceiling($"{PostgreSqlParallelPrefix}{batch} rows, {connections} connections", records / wall.TotalSeconds, "one transaction per statement per connection, new keys, the worker's PostgreSqlUpsertWriter, wall time", cpuPerRecord);
    }

    private static double? MicrosPerRecord(CpuUse? cpu, (string Name, int Pid)? database, long records) =>
        cpu is not null && database is { } server && records > 0 ? cpu.Seconds()[server.Name] * 1e6 / records : null;
}
