using System.Text.Json;

namespace Persistence.Contracts.DeadLetters;

/// <summary>A record the worker could not store, with why and how often it was tried.</summary>
/// <param name="Id">The dead letter's stream entry id.</param>
/// <param name="SourceStream">The stream the record came from.</param>
/// <param name="SourceId">Its entry id there.</param>
/// <param name="Reason">Why it could not be stored.</param>
/// <param name="Deliveries">How often it was delivered.</param>
/// <param name="DeadLetteredAt">When it was dead-lettered.</param>
/// <param name="Caller">The API key id that wrote it.</param>
/// <param name="Record">The record, when it is JSON.</param>
/// <param name="RawRecord">The record as stored, when it is not JSON.</param>
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
