using Persistence.Contracts;

namespace Translation.Worker.Tests;

/// <summary>
/// The roster a re-queue is checked against: an engine counts while some worker's announcement lasts, a worker never
/// shortens another's, and a worker that stopped announcing drops out once its last announcement runs out.
/// </summary>
[Collection(LocalRedisDefinition.Name)]
public sealed class EngineRosterTests(LocalRedis redis) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_announced_engine_can_run_until_its_announcement_runs_out_and_an_unannounced_one_never()
    {
        var database = redis.Connection.GetDatabase();

        await EngineRoster.AnnounceAsync(database, [TranslationEngines.Debug], Now);

        Assert.True(await EngineRoster.CanRunAsync(database, TranslationEngines.Debug, Now + EngineRoster.Lifetime - TimeSpan.FromMilliseconds(1)));
        Assert.False(await EngineRoster.CanRunAsync(database, TranslationEngines.Debug, Now + EngineRoster.Lifetime));
        Assert.False(await EngineRoster.CanRunAsync(database, TranslationEngines.OpenAi, Now));
    }

    [Fact]
    public async Task A_worker_announcing_late_with_an_old_clock_does_not_shorten_another_workers_announcement()
    {
        var database = redis.Connection.GetDatabase();

        await EngineRoster.AnnounceAsync(database, [TranslationEngines.OpenAi], Now);
        await EngineRoster.AnnounceAsync(database, [TranslationEngines.OpenAi, TranslationEngines.Debug], Now - TimeSpan.FromSeconds(20));

        Assert.True(await EngineRoster.CanRunAsync(database, TranslationEngines.OpenAi, Now + EngineRoster.Lifetime - TimeSpan.FromSeconds(1)));
        Assert.False(await EngineRoster.CanRunAsync(database, TranslationEngines.Debug, Now + EngineRoster.Lifetime - TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Announcements_that_ran_out_are_removed_by_the_next_one()
    {
        var database = redis.Connection.GetDatabase();
        await EngineRoster.AnnounceAsync(database, [TranslationEngines.OpenAi], Now);

        await EngineRoster.AnnounceAsync(database, [TranslationEngines.Debug], Now + EngineRoster.Lifetime + TimeSpan.FromSeconds(1));

        Assert.Null(await database.SortedSetScoreAsync(EngineRoster.Key, TranslationEngines.OpenAi));
    }
}
