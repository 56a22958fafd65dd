namespace Persistence.Contracts.Queries;

/// <summary>
/// One page of a session, task or recovery list. <c>total</c> is the number of matching rows for offset paging and
/// null for cursor paging, where counting would cost a scan of the whole range on every page.
/// </summary>
/// <typeparam name="T">The rows.</typeparam>
/// <param name="Total">Matching rows for an offset-paged list (at most the server's counting cap); null for cursor pages.</param>
/// <param name="Page">The page number of an offset-paged list.</param>
/// <param name="PageSize">Rows per page.</param>
/// <param name="Items">The rows.</param>
/// <param name="NextCursor">Pass it as the next page's cursor; null on the last page.</param>
public sealed record ResultPage<T>(long? Total, int? Page, int PageSize, IReadOnlyList<T> Items, string? NextCursor)
{
    /// <summary>
    /// Whether <see cref="Total"/> stopped at the counting cap (the count stops one row past it): true then, false for
    /// an exact total, null without a total.
    /// </summary>
    public bool? TotalIsLowerBound { get; init; }
}
