using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Persistence.Contracts;

/// <summary>
/// The ActivitySource around Redis stream operations. Its spans carry the W3C trace context from the HTTP request
/// that accepted a record, through the stream entry, into the MySQL transaction that stores it.
/// </summary>
public static class PersistenceTelemetry
{
    public const string StreamsSourceName = "Persistence.Streams";

    public static ActivitySource Streams { get; } = new(StreamsSourceName);

    public static class Tags
    {
        public const string MessagingSystem = "messaging.system";
        public const string Destination = "messaging.destination.name";
        public const string BatchCount = "messaging.batch.message_count";
        public const string Operation = "messaging.operation.type";
        public const string ConsumerGroup = "messaging.consumer.group.name";
    }

    public static Meter CreateMeter(IMeterFactory factory) => factory.Create(StreamsSourceName);
}
