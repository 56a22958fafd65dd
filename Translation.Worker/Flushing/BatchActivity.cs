using System.Diagnostics;
using Persistence.Contracts;

namespace Translation.Worker.Flushing;

/// <summary>The span of one batch's way into MySQL, joined to the requests that appended its records.</summary>
internal static class BatchActivity
{
    private const int MaxTraceLinks = 32;

    public static Activity? Start<TRecord>(IReadOnlyList<FlushItem<TRecord>> items, string stream)
        where TRecord : class
    {
        // The first record's request is the parent, so the MySQL spans appear under it; the others are linked.
        var parent = items[0].Parent;
        var links = items.Skip(1)
            .Select(i => i.Parent)
            .Where(p => p != default && p.TraceId != parent.TraceId)
            .Distinct()
            .Take(MaxTraceLinks)
            .Select(p => new ActivityLink(p));
        var activity = PersistenceTelemetry.Streams.StartActivity(ActivityKind.Consumer, parent, links: links, name: $"process {stream}");
        activity?.SetTag(PersistenceTelemetry.Tags.MessagingSystem, "redis");
        activity?.SetTag(PersistenceTelemetry.Tags.Destination, stream);
        activity?.SetTag(PersistenceTelemetry.Tags.Operation, "process");
        activity?.SetTag(PersistenceTelemetry.Tags.ConsumerGroup, PersistenceStreams.ConsumerGroup);
        activity?.SetTag(PersistenceTelemetry.Tags.BatchCount, items.Count);
        return activity;
    }
}
