namespace Persistence.Api.Http;

/// <summary>
/// Query parameter names several features take, spelt once: every list pages with <c>page_size</c> and
/// <c>cursor</c> (from a previous page's <c>next_cursor</c>) and filters with the same words.
/// </summary>
public static class QueryParameters
{
    public const string PageSize = "page_size";
    public const string Cursor = "cursor";
    public const string Status = "status";
    public const string TargetLang = "target_lang";
}
