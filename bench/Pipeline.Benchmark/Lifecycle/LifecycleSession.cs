using System.Text.Json;
using Persistence.Contracts;

namespace Pipeline.Benchmark.Lifecycle;

/// <summary>
/// One translation session as the seed's back end runs it (docs of the Python persistence service: sessions of 640
/// tasks, a progress update of the session per finished task): the session starts, its 640 tasks are registered
/// pending, ten at a time go processing and then completed after tens to hundreds of milliseconds of translation,
/// one in twenty fails once and is retried (failed, processing, completed), each finished task moves the session's
/// progress on, and the session ends completed. Every state is the record's full state with a newer
/// <c>updated_at</c> than its previous one, as a writer of current state sends it.
/// </summary>
public sealed class LifecycleSession(string sessionId, LifecycleSink sink, StateClock clock)
{
    public const int Tasks = 640;

    /// <summary>Tasks in processing at once.</summary>
    public const int Lanes = 10;

    /// <summary>Every twentieth task (5 %) fails once before it completes.</summary>
    public const int FailEvery = 20;

    /// <summary>Task states: pending, processing, completed; a failing task also failed and processing again.</summary>
    public const int TaskStates = (Tasks * 3) + (Tasks / FailEvery * 2);

    /// <summary>Session states: the start, one progress state per finished task, the end.</summary>
    public const int SessionStates = Tasks + 2;

    public const int StatesPerSession = TaskStates + SessionStates;

    /// <summary>Shortest and longest translation time of a task (log-uniform between them).</summary>
    public static readonly TimeSpan ShortestGap = TimeSpan.FromMilliseconds(20);

    public static readonly TimeSpan LongestGap = TimeSpan.FromMilliseconds(400);

    private const string SourceText = "The quick brown fox jumps over the lazy dog while the benchmark counts every record it sends.";
    private const string TranslatedText = "Le renard brun rapide saute par-dessus le chien paresseux pendant que le banc compte chaque état.";
    private static readonly JsonElement Metadata = JsonDocument.Parse("""{"bench":"lifecycle"}""").RootElement.Clone();

    // A progress state's counts and its updated_at rise together.
    private readonly Lock _progress = new();
    private int _next;
    private int _completed;
    private int _failed;
    private DateTimeOffset _createdAt;

    public static string TaskId(string sessionId, int task) => FormattableString.Invariant($"{sessionId}-{task:D3}");

    /// <summary>Whether the task fails once before it completes.</summary>
    public static bool Fails(int task) => task % FailEvery == FailEvery - 1;

    /// <summary>The task's statuses in the order it goes through them.</summary>
    public static IReadOnlyList<string> Statuses(int task) => Fails(task)
        ? ["pending", "processing", "failed", "processing", "completed"]
        : ["pending", "processing", "completed"];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _createdAt = clock.Next();
        await SessionAsync("processing", _createdAt);
        for (var task = 0; task < Tasks; task++)
        {
            await sink.TaskAsync(TaskState(task, "pending", attempts: 0), sample: false);
        }

        await Task.WhenAll(Enumerable.Range(0, Lanes).Select(_ => LaneAsync(cancellationToken)));
        await SessionAsync("completed", clock.Next());
    }

    /// <summary>A random translation time, log-uniform: mostly tens of milliseconds, now and then a few hundred.</summary>
    public static TimeSpan Gap() =>
        TimeSpan.FromMilliseconds(ShortestGap.TotalMilliseconds * Math.Pow(LongestGap.TotalMilliseconds / ShortestGap.TotalMilliseconds, Random.Shared.NextDouble()));

    private async Task LaneAsync(CancellationToken cancellationToken)
    {
        for (var task = Interlocked.Increment(ref _next) - 1; task < Tasks; task = Interlocked.Increment(ref _next) - 1)
        {
            var attempts = 1;
            await sink.TaskAsync(TaskState(task, "processing", attempts), sample: false);
            await Task.Delay(Gap(), cancellationToken);
            if (Fails(task))
            {
                await sink.TaskAsync(TaskState(task, "failed", attempts) with { Error = "upstream translation service timed out" }, sample: false);
                Interlocked.Increment(ref _failed);
                attempts++;
                await sink.TaskAsync(TaskState(task, "processing", attempts), sample: false);
                await Task.Delay(Gap(), cancellationToken);
            }

            await sink.TaskAsync(TaskState(task, "completed", attempts) with { TranslatedText = TranslatedText }, sample: task % 10 == 0);
            SessionRecord progress;
            lock (_progress)
            {
                _completed++;
                progress = SessionState("processing", clock.Next());
            }

            // Enqueued outside the lock, so two lanes may hand theirs over in either order: the newer updated_at
            // still wins in either design, as it would between two processes of a real back end.
            await sink.SessionAsync(progress);
        }
    }

    private TaskRecord TaskState(int task, string status, int attempts) => new()
    {
        TaskId = TaskId(sessionId, task),
        SessionId = sessionId,
        BatchId = sessionId,
        Status = status,
        SourceLang = "en",
        TargetLang = "fr",
        SourceText = SourceText,
        Attempts = attempts,
        Metadata = Metadata,
        CreatedAt = _createdAt,
        UpdatedAt = clock.Next(),
    };

    private ValueTask SessionAsync(string status, DateTimeOffset updatedAt) => sink.SessionAsync(SessionState(status, updatedAt));

    private SessionRecord SessionState(string status, DateTimeOffset updatedAt) => new()
    {
        SessionId = sessionId,
        Status = status,
        SourceLang = "en",
        TargetLangs = ["fr"],
        TotalTasks = Tasks,
        CompletedTasks = _completed,
        FailedTasks = Volatile.Read(ref _failed),
        Metadata = Metadata,
        CreatedAt = _createdAt,
        UpdatedAt = updatedAt,
    };
}

/// <summary>
/// updated_at for every state of a run, strictly rising by at least a microsecond (the stored precision), so a
/// record's later state always carries a newer version even when two are made within the same microsecond.
/// </summary>
public sealed class StateClock
{
    private long _last;

    public DateTimeOffset Next()
    {
        var now = (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        long last, next;
        do
        {
            last = Interlocked.Read(ref _last);
            next = Math.Max(now, last + 1);
        }
        while (Interlocked.CompareExchange(ref _last, next, last) != last);

        return DateTimeOffset.UnixEpoch.AddTicks(next * TimeSpan.TicksPerMicrosecond);
    }
}
