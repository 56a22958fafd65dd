using System.Text.Json;

namespace Persistence.Client.Models;

/// <summary>A record the worker could not store, with why and how often it was tried.</summary>
public sealed class DeadLetter
{
    /// <summary>The dead letter's stream entry id.</summary>
    public string Id { get; init; } = "";

    /// <summary>The stream the record came from.</summary>
    public string? SourceStream { get; init; }

    /// <summary>Its entry id there.</summary>
    public string? SourceId { get; init; }

    /// <summary>Why it could not be stored.</summary>
    public string? Reason { get; init; }

    /// <summary>How often it was delivered.</summary>
    public long? Deliveries { get; init; }

    /// <summary>When it was dead-lettered.</summary>
    public string? DeadLetteredAt { get; init; }

    /// <summary>The API key id that wrote it.</summary>
    public string? Caller { get; init; }

    /// <summary>The record, when it is JSON.</summary>
    public JsonElement? Record { get; init; }

    /// <summary>The record as stored, when it is not JSON.</summary>
    public string? RawRecord { get; init; }
}

/// <summary>What a replay moved back to its source stream.</summary>
public sealed class ReplayResult
{
    /// <summary>Always <c>replayed</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>Dead letters replayed.</summary>
    public long Replayed { get; init; }

    /// <summary>Dead letters skipped.</summary>
    public long Skipped { get; init; }
}

internal sealed class DeadLetterPage
{
    public IReadOnlyList<DeadLetter> Items { get; init; } = [];

    public string? NextCursor { get; init; }
}
