using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Persistence.Api.Ingest;
using Persistence.Api.Queries;

namespace Persistence.Api.Tests;

public sealed class ReadRequestsTests
{
    private static readonly QueryOptions Options = new();

    private static (SessionListRequest? Request, List<FieldError> Errors) Sessions(string query)
    {
        var errors = new List<FieldError>();
        return (ReadRequests.ParseSessionList(new QueryCollection(QueryHelpers.ParseQuery(query)), Options, errors), errors);
    }

    private static (TaskListRequest? Request, List<FieldError> Errors) Tasks(string query)
    {
        var errors = new List<FieldError>();
        return (ReadRequests.ParseTaskList(new QueryCollection(QueryHelpers.ParseQuery(query)), Options, errors), errors);
    }

    [Fact]
    public void Defaults_are_newest_created_first_page_one_of_twenty_eventual()
    {
        var (request, errors) = Sessions("");

        Assert.Empty(errors);
        Assert.Equal(new PageOrder("created_at", true), request!.Order);
        Assert.Equal(20, request.PageSize);
        Assert.Null(request.Page);
        Assert.Equal(0, request.Offset);
        Assert.True(request.CountsTotal);
        Assert.Equal(Consistency.Eventual, request.Consistency);
        Assert.Empty(request.Statuses);
    }

    [Theory]
    [InlineData("?status=pending&status=paused,completed")]
    [InlineData("?status=pending,paused&status=completed,pending")]
    public void Statuses_repeat_or_split_on_commas_without_duplicates(string query)
    {
        var (request, errors) = Sessions(query);

        Assert.Empty(errors);
        Assert.Equal(["pending", "paused", "completed"], request!.Statuses);
    }

    [Fact]
    public void Every_filter_is_read()
    {
        var (request, errors) = Sessions(
            "?from=2026-01-31T12:00:00%2B08:00&to=2026-02-01T00:00:00Z&source_lang=en&target_lang=zh-CN&sort=updated_at&order=asc&page=3&page_size=50&consistency=strong");

        Assert.Empty(errors);
        Assert.Equal(new DateTime(2026, 1, 31, 4, 0, 0, DateTimeKind.Utc), request!.From);
        Assert.Equal(new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc), request.To);
        Assert.Equal("en", request.SourceLang);
        Assert.Equal("zh-CN", request.TargetLang);
        Assert.Equal(new PageOrder("updated_at", false), request.Order);
        Assert.Equal(100, request.Offset);
        Assert.Equal(Consistency.Strong, request.Consistency);
    }

    [Fact]
    public void An_unencoded_plus_in_an_offset_is_understood()
    {
        var (request, errors) = Sessions("?from=2026-01-31T12:00:00+08:00");

        Assert.Empty(errors);
        Assert.Equal(new DateTime(2026, 1, 31, 4, 0, 0, DateTimeKind.Utc), request!.From);
    }

    [Fact]
    public void A_cursor_switches_to_keyset_paging_without_total()
    {
        var cursor = new PageCursor(new PageOrder("updated_at", true), 42, "s-9").Encode();

        var (request, errors) = Sessions($"?sort=updated_at&cursor={cursor}");

        Assert.Empty(errors);
        Assert.False(request!.CountsTotal);
        Assert.Equal("s-9", request.Cursor!.Id);
    }

    [Theory]
    [InlineData("?status=exploded", "status")]
    [InlineData("?status=", "status")]
    [InlineData("?from=2026-01-31", "from")]
    [InlineData("?from=2026-01-31T12:00:00", "from")]
    [InlineData("?to=1969-12-31T23:59:59Z", "to")]
    [InlineData("?from=2026-02-01T00:00:00Z&to=2026-02-01T00:00:00Z", "to")]
    [InlineData("?sort=status", "sort")]
    [InlineData("?sort=created_at;DROP TABLE x", "sort")]
    [InlineData("?order=up", "order")]
    [InlineData("?page=0", "page")]
    [InlineData("?page=-1", "page")]
    [InlineData("?page=1&page=2", "page")]
    [InlineData("?page=501", "page")]
    [InlineData("?page_size=0", "page_size")]
    [InlineData("?page_size=201", "page_size")]
    [InlineData("?page_size=ten", "page_size")]
    [InlineData("?cursor=abc", "cursor")]
    [InlineData("?source_lang=en' OR 1=1", "source_lang")]
    [InlineData("?target_lang=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "target_lang")]
    [InlineData("?consistency=linearizable", "consistency")]
    [InlineData("?limit=5", "limit")]
    public void Invalid_parameters_are_named(string query, string parameter)
    {
        var (request, errors) = Sessions(query);

        Assert.Null(request);
        Assert.Contains(parameter, errors.Select(e => e.Field));
    }

    [Fact]
    public void Page_and_cursor_exclude_each_other()
    {
        var cursor = new PageCursor(new PageOrder("created_at", true), 42, "s-9").Encode();

        var (_, errors) = Sessions($"?page=2&cursor={cursor}");

        Assert.Equal("page", Assert.Single(errors).Field);
    }

    [Fact]
    public void A_cursor_is_bound_to_its_sort_order()
    {
        var cursor = new PageCursor(new PageOrder("created_at", true), 42, "s-9").Encode();

        Assert.Equal("cursor", Assert.Single(Sessions($"?order=asc&cursor={cursor}").Errors).Field);
        Assert.Equal("cursor", Assert.Single(Tasks($"?cursor={cursor}").Errors).Field);
    }

    [Fact]
    public void Task_lists_take_their_own_filters_and_statuses()
    {
        var (request, errors) = Tasks("?status=pending,processing&target_lang=fr&batch_id=b-1&page_size=5");

        Assert.Empty(errors);
        Assert.Equal(["pending", "processing"], request!.Statuses);
        Assert.Equal("fr", request.TargetLang);
        Assert.Equal("b-1", request.BatchId);
        Assert.Equal(5, request.PageSize);

        Assert.Equal("status", Assert.Single(Tasks("?status=paused").Errors).Field);
        Assert.Equal("sort", Assert.Single(Tasks("?sort=created_at").Errors).Field);
    }

    [Theory]
    [InlineData("?target_lang=fr")]
    [InlineData("?target_lang=fr&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&page=2")]
    public void A_session_target_lang_alone_is_refused_since_no_index_narrows_it(string query)
    {
        var (request, errors) = Sessions(query);

        Assert.Null(request);
        var error = Assert.Single(errors);
        Assert.Equal("target_lang", error.Field);
        Assert.Contains("status or source_lang", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?target_lang=fr&status=processing")]
    [InlineData("?target_lang=fr&source_lang=en")]
    public void A_session_target_lang_with_an_indexed_filter_is_read(string query)
    {
        var (request, errors) = Sessions(query);

        Assert.Empty(errors);
        Assert.Equal("fr", request!.TargetLang);
    }

    [Fact]
    public void The_recovery_list_is_unfinished_sessions_newest_first_by_cursor()
    {
        var errors = new List<FieldError>();

        var request = ReadRequests.ParseRecoveryList(new QueryCollection(QueryHelpers.ParseQuery("?page_size=50")), Options, errors);

        Assert.Empty(errors);
        Assert.Equal(["pending", "processing", "paused"], request!.Statuses);
        Assert.Equal(new PageOrder("created_at", true), request.Order);
        Assert.False(request.CountsTotal);
    }
}
