using System.ComponentModel.DataAnnotations;
using Persistence.Contracts;

namespace Persistence.Api.Queries;

public sealed class QueryOptions
{
    public const string SectionName = "Query";

    /// <summary>Items per page when the caller names no <c>page_size</c>.</summary>
    [Range(1, 10_000)]
    public int DefaultPageSize { get; set; } = PageSizes.Records.Default;

    /// <summary>The largest <c>page_size</c> accepted; larger asks get 400 rather than a silently shorter page.</summary>
    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = PageSizes.Records.Max;

    /// <summary>
    /// The deepest offset page (<c>page</c> × <c>page_size</c>) served; offset paging reads and discards every row
    /// before the page, so past this the caller is pointed at <c>cursor</c>, which costs the same at any depth.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxOffset { get; set; } = 10_000;

    /// <summary>
    /// The most rows an offset page's <c>total</c> counts. Past it the count stops at one more row and the page says
    /// <c>total_is_lower_bound</c>, so a filter matching millions of rows costs no more to page than one matching this many.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxCountedTotal { get; set; } = 10_000;
}
