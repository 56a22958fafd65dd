using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>The records of a stream entry as text, whichever format it has: a batch entry's array, or the one record.</summary>
internal static class StreamRecords
{
    public static string Text(StreamEntry entry) =>
        (string?)entry[PersistenceStreams.Fields.Records] ?? (string?)entry[PersistenceStreams.Fields.Record] ?? "";
}
