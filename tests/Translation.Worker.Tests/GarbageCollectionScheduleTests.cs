using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MySqlConnector;
using Persistence.Storage.MySql;
using Persistence.Maintenance.GarbageCollection;
using Translation.Worker.GarbageCollection;
using Translation.Worker.Migrations;

namespace Translation.Worker.Tests;

public sealed class GarbageCollectionScheduleTests
{
    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static GarbageCollectionScheduleOptions Schedule(string expression) => new() { Schedule = expression };

    private static ValidateOptionsResult Validate(string expression) =>
        new GarbageCollectionScheduleValidator(new FakeTimeProvider(At("2026-11-25T00:00:00Z"))).Validate(null, Schedule(expression));

    [Theory]
    // The default: daily at 03:30 UTC, strictly after the given time.
    [InlineData("30 3 * * *", "2026-11-25T01:00:00Z", "2026-11-25T03:30:00Z")]
    [InlineData("30 3 * * *", "2026-11-25T03:30:00Z", "2026-11-26T03:30:00Z")]
    [InlineData("30 3 * * *", "2026-12-31T04:00:00Z", "2027-01-01T03:30:00Z")]
    // An offset is only another way to write the same instant.
    [InlineData("30 3 * * *", "2026-11-25T09:00:00+08:00", "2026-11-25T03:30:00Z")]
    [InlineData("*/15 * * * *", "2026-11-25T10:15:42Z", "2026-11-25T10:30:00Z")]
    // 2026-11-25 is a Wednesday; 7 is Sunday as well as 0.
    [InlineData("0 0 * * 7", "2026-11-25T00:00:00Z", "2026-11-29T00:00:00Z")]
    [InlineData("0 0 * * 1-5", "2026-11-27T12:00:00Z", "2026-11-30T00:00:00Z")]
    [InlineData("0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    // Both day fields restricted: a day must match both (a Friday the 13th), not either as in Vixie cron.
    [InlineData("0 0 13 * 5", "2026-11-25T00:00:00Z", "2027-08-13T00:00:00Z")]
    public void Next_run(string expression, string after, string expected)
    {
        var next = Schedule(expression).NextRunAfter(At(after));

        Assert.Equal(At(expected), next);
        Assert.Equal(TimeSpan.Zero, next!.Value.Offset);
    }

    [Fact]
    public void The_default_schedule_is_valid_and_daily_at_half_past_three() =>
        Assert.Equal(At("2026-11-26T03:30:00Z"), new GarbageCollectionScheduleOptions().NextRunAfter(At("2026-11-25T12:00:00Z")));

    [Theory]
    [InlineData("* * * *")]
    [InlineData("* * * * * *")]
    [InlineData("60 * * * *")]
    [InlineData("* 24 * * *")]
    [InlineData("* * 32 * *")]
    [InlineData("*/0 * * * *")]
    [InlineData("a * * * *")]
    [InlineData("H * * * *")]
    public void An_invalid_expression_fails_validation_naming_the_option_and_the_reason(string expression)
    {
        var result = Validate(expression);

        Assert.True(result.Failed);
        Assert.StartsWith($"GarbageCollection:Schedule '{expression}' is not a five-field cron expression", result.FailureMessage, StringComparison.Ordinal);
        // Followed by the parser's own words about what is wrong.
        Assert.True(result.FailureMessage.Length > result.FailureMessage.IndexOf("UTC): ", StringComparison.Ordinal) + "UTC): ".Length);
    }

    [Fact]
    public void The_parser_names_the_field_that_is_wrong() =>
        Assert.Contains("Minutes", Validate("60 * * * *").FailureMessage, StringComparison.Ordinal);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_schedule_fails_validation(string expression) =>
        Assert.Equal("GarbageCollection:Schedule is empty: set a five-field cron expression such as '30 3 * * *'.", Validate(expression).FailureMessage);

    [Fact]
    public void A_schedule_that_never_occurs_fails_validation()
    {
        Assert.Null(Schedule("0 0 31 2 *").NextRunAfter(At("2026-01-01T00:00:00Z")));
        Assert.Equal("GarbageCollection:Schedule '0 0 31 2 *' never occurs: no date matches its day and month fields.", Validate("0 0 31 2 *").FailureMessage);
    }

    [Fact]
    public void A_valid_schedule_passes_validation() => Assert.True(Validate("0 */6 * * 1-5").Succeeded);

    [Fact]
    public void The_worker_refuses_a_bad_schedule_when_its_options_are_first_read()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["GarbageCollection:Schedule"] = "30 25 * * *" });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddGarbageCollection();
        using var services = builder.Services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<GarbageCollectionScheduleOptions>>().Value);
        Assert.Contains("GarbageCollection:Schedule '30 25 * * *'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Hours", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_scheduler_logs_a_schedule_that_never_occurs_and_stops_instead_of_spinning()
    {
        await using var run = new SchedulerRun("0 0 31 2 *", At("2026-01-01T00:00:00Z"));

        await run.StartAsync();

        await run.Scheduler.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));
        var entry = Assert.Single(run.Log.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal("0 0 31 2 *", entry.State["Schedule"]);
    }

    [Fact]
    public async Task The_scheduler_waits_for_the_next_occurrence_and_after_a_failed_run_schedules_the_one_after()
    {
        await using var run = new SchedulerRun("30 3 * * *", At("2026-11-25T01:00:00Z"));

        await run.StartAsync();
        await run.Log.WaitForAsync(1, "At");
        Assert.Equal(At("2026-11-25T03:30:00Z"), run.Log.Entries[0].State["At"]);
        // The timer is set just after the log line; moving the clock before that would move the timer with it.
        await Task.Delay(100);

        run.Time.Advance(TimeSpan.FromMinutes(149));
        await Task.Delay(100);
        Assert.Single(run.Log.Entries);

        // The collector's MySQL refuses the connection: the failure is logged and the next day is scheduled.
        run.Time.Advance(TimeSpan.FromMinutes(1));
        await run.Log.WaitForAsync(3, "At");
        Assert.Equal(LogLevel.Error, run.Log.Entries[1].Level);
        Assert.Equal(At("2026-11-26T03:30:00Z"), run.Log.Entries[2].State["At"]);
    }

    /// <summary>A scheduler on a fake clock whose collector points at a closed port on loopback.</summary>
    private sealed class SchedulerRun : IAsyncDisposable
    {
        private readonly MySqlDataSource _dataSource = new("Server=127.0.0.1;Port=1;User ID=test;Pooling=false;Connection Timeout=5");

        public SchedulerRun(string schedule, DateTimeOffset now)
        {
            Time = new FakeTimeProvider(now);
            var gate = new SchemaGate();
            gate.Open();
            Scheduler = new GarbageCollectionScheduler(
                new GarbageCollector(_dataSource, new MySqlDialect(), Time, Options.Create(new RetentionOptions())),
                gate,
                Time,
                Options.Create(new GarbageCollectionScheduleOptions { Schedule = schedule }),
                Log);
        }

        public FakeTimeProvider Time { get; }

        public ListLogger<GarbageCollectionScheduler> Log { get; } = new();

        public GarbageCollectionScheduler Scheduler { get; }

        public Task StartAsync() => Scheduler.StartAsync(CancellationToken.None);

        public async ValueTask DisposeAsync()
        {
            await Scheduler.StopAsync(CancellationToken.None);
            Scheduler.Dispose();
            await _dataSource.DisposeAsync();
        }
    }

    internal sealed record LogEntry(LogLevel Level, EventId Id, IReadOnlyDictionary<string, object?> State);

    internal sealed class ListLogger<T> : ILogger<T>
    {
        private readonly ConcurrentQueue<LogEntry> _entries = new();

        public IReadOnlyList<LogEntry> Entries => [.. _entries];

        /// <summary>Waits (in real time: the scheduler's continuations run on the thread pool) for the count-th entry, which must carry <paramref name="key"/>.</summary>
        public async Task WaitForAsync(int count, string key)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (_entries.Count < count)
            {
                await Task.Delay(10, timeout.Token);
            }

            Assert.True(Entries[count - 1].State.ContainsKey(key), $"Entry {count} has no {key}.");
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            _entries.Enqueue(new LogEntry(logLevel, eventId, values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal)));
        }
    }
}
