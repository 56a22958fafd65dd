using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Persistence.Contracts;

namespace Persistence.Api.Translations;

public sealed class TranslationOptions
{
    public const string SectionName = "Translations";

    /// <summary>
    /// Languages a request may ask for: those the workers process (<c>Processing:Languages</c>). A job in any other
    /// language would stay pending for ever, so it is refused up front. Unset means <see cref="TranslationLanguages.Default"/>.
    /// </summary>
    // An array set only from configuration: the binder appends to a list that already holds defaults.
    [SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "Bound from configuration.")]
    public string[]? TargetLanguages { get; set; }

    /// <summary>Requests per batch; each may ask for several languages.</summary>
    [Range(1, 10_000)]
    public int MaxBatchItems { get; set; } = 1000;

    /// <summary>Characters of <c>business_id</c>.</summary>
    [Range(1, 255)]
    public int MaxBusinessIdLength { get; set; } = 255;

    /// <summary>Jobs per page of <c>GET /api/v1/translation/jobs</c> unless <c>page_size</c> says otherwise.</summary>
    [Range(1, 1000)]
    public int DefaultPageSize { get; set; } = PageSizes.TranslationJobs.Default;

    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = PageSizes.TranslationJobs.Max;

    public IReadOnlyList<string> EffectiveTargetLanguages =>
        TargetLanguages is { Length: > 0 } configured ? configured : TranslationLanguages.Default;
}
