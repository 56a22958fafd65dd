using System.Diagnostics;
using Persistence.Client.Writing;
using Persistence.Contracts;

namespace Pipeline.Benchmark.Lifecycle;

/// <summary>What one lifecycle phase sent: sessions run to their end, and the state changes they made.</summary>
public sealed class LifecycleTally
{
    private long _sessions;
    private long _taskStates;
    private long _sessionStates;

    public long Sessions => Interlocked.Read(ref _sessions);

    public long TaskStates => Interlocked.Read(ref _taskStates);

    public long SessionStates => Interlocked.Read(ref _sessionStates);

    public long StateChanges => TaskStates + SessionStates;

    public void SessionEnded() => Interlocked.Increment(ref _sessions);

    public void Task() => Interlocked.Increment(ref _taskStates);

    public void Session() => Interlocked.Increment(ref _sessionStates);
}

/// <summary>A session's way into its back end's writer, counting every state it hands over.</summary>
public sealed class LifecycleSink(PersistenceWriter writer, LifecycleTally tally, Action<string>? sampled)
{
    public async ValueTask TaskAsync(TaskRecord task, bool sample)
    {
        if (!await writer.EnqueueTaskAsync(task))
        {
            throw new InvalidOperationException("The writer stopped taking records during a phase.");
        }

        tally.Task();
        if (sample)
        {
            sampled?.Invoke(task.TaskId!);
        }
    }

    public async ValueTask SessionAsync(SessionRecord session)
    {
        if (!await writer.EnqueueSessionAsync(session))
        {
            throw new InvalidOperationException("The writer stopped taking records during a phase.");
        }

        tally.Session();
    }
}

/// <summary>
/// Runs lifecycle sessions against a pool of writers, either as many at once as given for a duration (each ended
/// session replaced by a new one), or started on a clock at a fixed rate. Either way every session started runs to its
/// end, so each of its tasks ends completed and the session itself completed: the state a reader must finally see.
/// </summary>
public sealed class LifecycleLoad(StateClock stateClock)
{
    /// <summary><paramref name="concurrent"/> sessions at a time until <paramref name="duration"/>, then the running ones to their end.</summary>
    public async Task<LifecycleTally> ClosedAsync(WriterPool pool, string idPrefix, int concurrent, TimeSpan duration, Action<string>? sampled = null)
    {
        var tally = new LifecycleTally();
        var clock = Stopwatch.StartNew();
        long next = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrent).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                await RunSessionAsync(pool, idPrefix, Interlocked.Increment(ref next) - 1, tally, sampled);
            }
        })));
        return tally;
    }

    /// <summary>Starts <paramref name="sessionsPerSecond"/> sessions a second for <paramref name="duration"/>, whatever the answers do.</summary>
    public async Task<LifecycleTally> PacedAsync(WriterPool pool, string idPrefix, double sessionsPerSecond, TimeSpan duration, Action<string>? sampled = null)
    {
        var tally = new LifecycleTally();
        var clock = Stopwatch.StartNew();
        var sessions = await Task.Factory.StartNew(
            () =>
            {
                var started = new List<Task>();
                for (long k = 0; ; k++)
                {
                    var due = TimeSpan.FromSeconds(k / sessionsPerSecond);
                    if (due >= duration)
                    {
                        return started;
                    }

                    Pacer.SleepUntil(clock, due);
                    var number = k;
                    started.Add(Task.Run(() => RunSessionAsync(pool, idPrefix, number, tally, sampled)));
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        await Task.WhenAll(sessions);
        return tally;
    }

    public static string SessionId(string idPrefix, long number) => FormattableString.Invariant($"{idPrefix}{number:D5}");

    private async Task RunSessionAsync(WriterPool pool, string idPrefix, long number, LifecycleTally tally, Action<string>? sampled)
    {
        var session = new LifecycleSession(SessionId(idPrefix, number), new LifecycleSink(pool.For(number), tally, sampled), stateClock);
        await session.RunAsync(CancellationToken.None);
        tally.SessionEnded();
    }
}
