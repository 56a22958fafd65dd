using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Pipeline;

/// <summary>
/// What the flush barrier's "flushed" leaves out: a record the workers set aside as a dead letter counts as done for
/// the barrier, though it is not in the database. Read from the workers' dead-lettered counters and the dead-letter
/// stream, so the answer can say how many.
/// </summary>
public readonly record struct DeadLetterCount(long Recorded, long Stored)
{
    public static async Task<DeadLetterCount> ReadAsync(IDatabase database)
    {
        var counters = database.HashGetAllAsync(PersistenceStreams.Stats);
        var stored = database.StreamLengthAsync(PersistenceStreams.DeadLetters);
        var recorded = (await counters)
            .Where(e => e.Name.ToString().EndsWith(PersistenceStreams.StatsFields.DeadLetteredSuffix, StringComparison.Ordinal))
            .Sum(e => StatsCounter.Parse(e.Value));
        return new DeadLetterCount(recorded, await stored);
    }
}
