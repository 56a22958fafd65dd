using System.ComponentModel.DataAnnotations;

namespace Persistence.Api.Recovery;

/// <summary>
/// A restore streams from one database connection inside one REPEATABLE READ snapshot, which pins the history the
/// database must keep for as long as it lasts (InnoDB's undo log, PostgreSQL's dead rows that vacuum may not remove);
/// these bound what one replica lets restores hold.
/// </summary>
public sealed class RecoveryOptions
{
    public const string SectionName = "Recovery";

    /// <summary>Restores one replica streams at once; more get 503 with <c>Retry-After</c>.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentRestores { get; set; } = 4;

    /// <summary>
    /// Restores one API key may stream at once on a replica (at most <see cref="MaxConcurrentRestores"/>): a caller
    /// reading slowly keeps its own share busy, not every slot.
    /// </summary>
    [Range(1, 1000)]
    public int MaxRestoresPerKey { get; set; } = 2;

    /// <summary>
    /// Seconds a restore may take, however slowly the client reads; past it the transfer is cut (the package then
    /// lacks its closing <c>"complete": true</c>) and the connection and snapshot are released.
    /// </summary>
    [Range(1, 86_400)]
    public int MaxRestoreSeconds { get; set; } = 300;
}
