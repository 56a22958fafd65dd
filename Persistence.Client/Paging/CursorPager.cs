using System.Runtime.CompilerServices;

namespace Persistence.Client.Paging;

/// <summary>Follows <c>next_cursor</c> from page to page, yielding rows as each page arrives.</summary>
internal static class CursorPager
{
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(
        Func<string?, CancellationToken, Task<(IReadOnlyList<T> Items, string? NextCursor)>> readPage,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var (items, next) = await readPage(cursor, cancellationToken);
            foreach (var item in items)
            {
                yield return item;
            }

            cursor = next;
        }
        while (cursor is not null);
    }
}
