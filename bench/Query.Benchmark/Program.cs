using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using Persistence.Api.Queries;
using Stack.Testing;

// Sizes: --sessions N --tasks N --big-session-tasks N --requests N
var settings = Arguments.Parse(args);
var state = Path.Combine(Path.GetTempPath(), "persistence-bench-" + Guid.NewGuid().ToString("N")[..8]);
Console.WriteLine($"Starting the stack in {state} …");
var app = await StackInstance.StartAsync(["--replicas", "1", "--workers", "1"], state);
try
{
    using var gateway = new HttpClient { BaseAddress = app.GatewayEndpoint(), Timeout = TimeSpan.FromMinutes(5) };
    gateway.DefaultRequestHeaders.Add("X-API-Key", app.ApiKey);
    var api = app.ApiReplicas.Single();

    var load = Stopwatch.StartNew();
    await LoadAsync(app.DatabaseConnectionString, settings);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Loaded {settings.Sessions:N0} sessions, {settings.Tasks:N0} tasks and a session of {settings.BigSessionTasks:N0} unfinished tasks in {load.Elapsed.TotalSeconds:F1} s"));

    var deepCursor = new PageCursor(new PageOrder("created_at", true), PageCursor.ToValue(Base.AddMinutes(50)), "bench-s50").Encode();
    var reads = new (string Name, HttpMethod Method, string Path)[]
    {
        ("list, first page", HttpMethod.Get, "/api/v1/translation/sessions?page_size=20"),
        ("list, status filter + total", HttpMethod.Get, "/api/v1/translation/sessions?status=processing&page_size=20"),
        ("list, three statuses", HttpMethod.Get, "/api/v1/translation/sessions?status=pending,processing,paused&page_size=20"),
        ("list, offset page 500", HttpMethod.Get, "/api/v1/translation/sessions?page=500&page_size=20"),
        ("list, cursor at the end", HttpMethod.Get, $"/api/v1/translation/sessions?page_size=20&cursor={deepCursor}"),
        ("detail with task statistics", HttpMethod.Get, "/api/v1/translation/sessions/bench-s777"),
        ("tasks of a session", HttpMethod.Get, "/api/v1/translation/sessions/bench-s777/tasks"),
        ("task", HttpMethod.Get, "/api/v1/translation/tasks/bench-t12345"),
        ("incomplete sessions", HttpMethod.Get, "/api/v1/translation/recovery/incomplete-sessions?page_size=100"),
        ("restore, small session", HttpMethod.Post, "/api/v1/translation/recovery/restore/bench-s777"),
    };

    Console.WriteLine();
    Console.WriteLine($"{"read",-30} {"p50 ms",8} {"p99 ms",8} {"max ms",8}   ({settings.Requests} sequential requests through the gateway)");
    foreach (var (name, method, path) in reads)
    {
        var times = new List<double>(settings.Requests);
        for (var i = 0; i < settings.Requests + 10; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await gateway.SendAsync(new HttpRequestMessage(method, path));
            await response.Content.ReadAsByteArrayAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{name}: {(int)response.StatusCode}");
            }

            if (i >= 10)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-30} {Percentile(times, 0.50),8:F1} {Percentile(times, 0.99),8:F1} {times[^1],8:F1}"));
    }

    // The restore streams; its memory should not grow with the package. Peak RSS is reset first (clear_refs 5).
    Console.WriteLine();
    var pid = app.ProcessId(api) ?? throw new InvalidOperationException($"{api} has no process.");
    var before = Memory.Read(pid);
    Memory.ResetPeak(pid);
    var restore = Stopwatch.StartNew();
    using (var response = await gateway.PostAsync("/api/v1/translation/recovery/restore/bench-big", null, CancellationToken.None))
    {
        await using var body = await response.Content.ReadAsStreamAsync();
        var bytes = 0L;
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            bytes += read;
        }

        var after = Memory.Read(pid);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"restore of {settings.BigSessionTasks:N0} tasks: {bytes / 1024.0 / 1024:F0} MiB of JSON in {restore.Elapsed.TotalSeconds:F1} s; API RSS {before.RssMiB:F0} MiB before, peak {after.PeakMiB:F0} MiB during"));
    }
}
finally
{
    await app.DisposeAsync();
    try
    {
        Directory.Delete(state, recursive: true);
    }
    catch (IOException)
    {
        // Left under the temp folder.
    }
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

static async Task LoadAsync(string connectionString, Arguments settings)
{
    await using var db = new MySqlConnection(connectionString);
    await db.OpenAsync();
    await using var load = new MySqlCommand(
        $"""
        INSERT INTO translation_sessions
            (session_id, status, source_lang, target_langs, total_tasks, completed_tasks, failed_tasks, created_at, updated_at, row_version)
        SELECT CONCAT('bench-s', seq), ELT(1 + seq % 6, 'pending', 'processing', 'paused', 'completed', 'failed', 'cancelled'),
               IF(seq % 2, 'en', 'de'), '["fr","zh-CN"]', 10, 0, 0,
               @base + INTERVAL seq MINUTE, @base + INTERVAL (seq + seq % 100) MINUTE, REPEAT(CHAR(0), 24)
        FROM seq_1_to_{settings.Sessions};
        INSERT INTO translation_tasks
            (task_id, session_id, batch_id, status, source_lang, target_lang, source_text, attempts, metadata, created_at, updated_at, row_version)
        SELECT CONCAT('bench-t', seq), CONCAT('bench-s', 1 + seq % {settings.Sessions}), CONCAT('bench-b', seq DIV 100),
               ELT(1 + seq % 5, 'pending', 'processing', 'completed', 'failed', 'cancelled'), 'en', IF(seq % 2, 'fr', 'zh-CN'),
               'The quick brown fox jumps over the lazy dog', 1, @meta, @base + INTERVAL seq SECOND, @base + INTERVAL seq SECOND, REPEAT(CHAR(0), 24)
        FROM seq_1_to_{settings.Tasks};
        INSERT INTO translation_sessions (session_id, status, source_lang, created_at, updated_at, row_version)
        VALUES ('bench-big', 'processing', 'en', @base, @base, REPEAT(CHAR(0), 24));
        INSERT INTO translation_tasks (task_id, session_id, status, source_lang, target_lang, source_text, metadata, created_at, updated_at, row_version)
        SELECT CONCAT('bench-big-t', seq), 'bench-big', IF(seq % 2, 'pending', 'processing'), 'en', 'fr', REPEAT('x', 500), @meta,
               @base, @base, REPEAT(CHAR(0), 24)
        FROM seq_1_to_{settings.BigSessionTasks};
        ANALYZE TABLE translation_sessions, translation_tasks;
        """,
        db)
    {
        CommandTimeout = 1800,
    };
    load.Parameters.AddWithValue("@base", Base);
    load.Parameters.AddWithValue("@meta", "{\"n\":1}");
    await load.ExecuteNonQueryAsync();
}

internal sealed partial class Program
{
    private static readonly DateTime Base = new(2090, 1, 1, 0, 0, 0, DateTimeKind.Utc);
}

internal sealed record Arguments(int Sessions, int Tasks, int BigSessionTasks, int Requests)
{
    public static Arguments Parse(string[] args)
    {
        int Value(string name, int fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
        }

        return new(Value("--sessions", 100_000), Value("--tasks", 1_000_000), Value("--big-session-tasks", 200_000), Value("--requests", 200));
    }
}

/// <summary>Resident and peak resident memory of a process, from /proc (Linux).</summary>
internal static class Memory
{
    public static (double RssMiB, double PeakMiB) Read(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/status");
        double Field(string name) =>
            double.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
        return (Field("VmRSS"), Field("VmHWM"));
    }

    public static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");
}
