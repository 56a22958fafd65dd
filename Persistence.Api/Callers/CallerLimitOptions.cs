using System.ComponentModel.DataAnnotations;

namespace Persistence.Api.Callers;

/// <summary>What one caller (one API key) may hold of this replica at once, whichever route it calls.</summary>
public sealed class CallerLimitOptions
{
    public const string SectionName = "Callers";

    /// <summary>
    /// Requests with a body one API key may have in flight at this replica; more get 429 before their body is read.
    /// Each may hold up to <c>Ingest:MaxBodyBytes</c> (as it arrives) until its response ends.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxConcurrentBodies { get; set; } = 64;
}
