using System.ComponentModel.DataAnnotations;

namespace Persistence.Api.Http;

/// <summary>
/// What every 503 tells the caller, whichever feature answers it: ingest, reads, the flush barrier, replay and
/// restore all shed load or meet an outage alike, so one setting says how long to wait.
/// </summary>
public sealed class UnavailableOptions
{
    public const string SectionName = "Unavailable";

    /// <summary>Seconds a client is told to wait (<c>Retry-After</c>, plus a random part) on a 503.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;
}
