using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Translation.Worker.Tests;

/// <summary>
/// <see cref="UntracedPoll"/> against the OpenTelemetry SDK as the services configure it (default sampler, spans
/// exported through an export processor), with a source of the test's own standing in for MySqlConnector and Redis.
/// </summary>
public sealed class UntracedPollTests : IDisposable
{
    private readonly ActivitySource _source = new($"UntracedPollTests.{Guid.NewGuid():N}");
    private readonly ListExporter _exporter = new();
    private readonly TracerProvider _tracing;

    public UntracedPollTests()
    {
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(_source.Name)
            .AddProcessor(new SimpleActivityExportProcessor(_exporter))
            .Build();
    }

    public void Dispose()
    {
        _tracing.Dispose();
        _source.Dispose();
    }

    private IEnumerable<string> Exported => _exporter.Spans.Select(s => s.DisplayName);

    [Fact]
    public async Task Spans_made_during_a_poll_are_not_exported_and_work_it_found_is_a_trace_of_its_own()
    {
        var found = await UntracedPoll.RunAsync(async () =>
        {
            using var query = _source.StartActivity("SELECT", ActivityKind.Client);
            await Task.Yield();
            using var nested = _source.StartActivity("COMMIT", ActivityKind.Client);
            return 3;
        });

        using (var work = _source.StartActivity("process"))
        {
            Assert.Equal(default, work!.ParentSpanId);
            using var write = _source.StartActivity("INSERT", ActivityKind.Client);
        }

        Assert.Equal(3, found);
        Assert.Equal(["INSERT", "process"], Exported);
    }

    [Fact]
    public async Task A_span_made_later_on_another_thread_from_the_parent_seen_during_the_poll_is_not_exported()
    {
        // What the StackExchange.Redis instrumentation does: it remembers Activity.Current when a command is sent and
        // creates the command's span on its own thread seconds later.
        Activity? seen = null;
        await UntracedPoll.RunAsync(() =>
        {
            seen = Activity.Current;
            return Task.CompletedTask;
        });

        await Task.Run(() =>
        {
            using var late = _source.StartActivity("XREADGROUP", ActivityKind.Client, seen!.Context);
        });

        Assert.NotNull(seen);
        Assert.Equal(ActivityIdFormat.W3C, seen.IdFormat);
        Assert.False(seen.Recorded);
        Assert.Empty(Exported);
    }

    [Fact]
    public async Task The_callers_span_is_left_as_it_was_and_a_poll_inside_it_is_untraced_too()
    {
        using var request = _source.StartActivity("request");

        await UntracedPoll.RunAsync(async () =>
        {
            await Task.Yield();
            using var poll = _source.StartActivity("XINFO", ActivityKind.Client);
        });

        Assert.Same(request, Activity.Current);
        using (var after = _source.StartActivity("after"))
        {
            Assert.Equal(request!.SpanId, after!.ParentSpanId);
        }

        request!.Stop();
        Assert.Equal(["after", "request"], Exported);
    }

    [Fact]
    public async Task A_failing_poll_throws_to_its_caller()
    {
        var failure = await Assert.ThrowsAsync<TimeoutException>(() => UntracedPoll.RunAsync<int>(() => throw new TimeoutException("Redis")));

        Assert.Equal("Redis", failure.Message);
        Assert.Null(Activity.Current);
    }

    private sealed class ListExporter : BaseExporter<Activity>
    {
        private readonly ConcurrentQueue<Activity> _spans = new();

        public IReadOnlyList<Activity> Spans => [.. _spans];

        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var span in batch)
            {
                _spans.Enqueue(span);
            }

            return ExportResult.Success;
        }
    }
}
