using System.Text.Json;

namespace Persistence.Api.DeadLetters;

/// <summary>A record the worker could not store, with why and how often it was tried.</summary>
public sealed record DeadLetter(
    string Id,
    string? SourceStream,
    string? SourceId,
    string? Reason,
    long? Deliveries,
    string? DeadLetteredAt,
    string? Caller,
    JsonElement? Record,
    string? RawRecord);

public sealed record DeadLetterPage(IReadOnlyList<DeadLetter> Items, string? NextCursor);

public sealed record ReplayResult(string Status, long Replayed, long Skipped);
