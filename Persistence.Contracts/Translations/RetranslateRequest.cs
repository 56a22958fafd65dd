using System.Text.Json.Serialization;

namespace Persistence.Contracts.Translations;

/// <summary>The body of a re-translation: a business id's newest jobs, all or some of its languages.</summary>
/// <param name="BusinessId">The business id.</param>
/// <param name="TargetLangs">Only these target languages; every one of the business id's when null.</param>
public sealed record RetranslateRequest(
    [property: JsonPropertyName("business_id")] string? BusinessId,
    [property: JsonPropertyName("target_langs")] IReadOnlyList<string?>? TargetLangs);
