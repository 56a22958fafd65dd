using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Persistence.Api.Http;
using Persistence.Contracts;

namespace Persistence.Api.Tests;

public sealed class QueryReaderTests
{
    private static QueryReader Read(string query) => new(new QueryCollection(QueryHelpers.ParseQuery(query)));

    [Fact]
    public void Every_bad_parameter_is_reported_by_name_not_only_the_first()
    {
        var query = Read("?page_size=abc&target_lang=!!&since=yesterday&engine=x");

        query.PageSize(20, 200);
        query.Language(QueryParameters.TargetLang);
        query.Timestamp("since");
        query.Choice("engine", ["debug", "openai"]);

        Assert.False(query.IsValid);
        Assert.Equal(["page_size", "target_lang", "since", "engine"], query.Errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData("", 20)]
    [InlineData("?page_size=5", 5)]
    [InlineData("?limit=7", 7)]
    [InlineData("?page_size=5&limit=7", 5)]
    public void Page_size_falls_back_to_the_default_and_takes_a_deprecated_spelling(string text, int expected)
    {
        var query = Read(text);

        Assert.Equal(expected, query.PageSize(20, 200, "limit"));
        Assert.True(query.IsValid);
    }

    [Fact]
    public void A_bad_value_under_a_deprecated_name_is_reported_under_that_name()
    {
        var query = Read("?limit=0");

        query.PageSize(20, 200, "limit");

        Assert.Equal("limit", Assert.Single(query.Errors).Field);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("?dry_run", true)]
    [InlineData("?dry_run=true", true)]
    [InlineData("?dry_run=1", true)]
    [InlineData("?dry_run=false", false)]
    [InlineData("?dry_run=0", false)]
    public void A_flag_is_true_false_or_given_bare(string text, bool expected)
    {
        var query = Read(text);

        Assert.Equal(expected, query.Flag("dry_run"));
        Assert.True(query.IsValid);
    }

    [Theory]
    [InlineData("?dry_run=yes")]
    [InlineData("?dry_run=true&dry_run=false")]
    public void A_flag_that_is_neither_or_given_twice_is_a_problem(string text)
    {
        var query = Read(text);

        query.Flag("dry_run");

        Assert.Equal("dry_run", Assert.Single(query.Errors).Field);
    }

    [Fact]
    public void Repeated_and_comma_separated_choices_are_merged_without_repeats()
    {
        var query = Read("?status=pending,failed&status=pending");

        Assert.Equal(["pending", "failed"], query.Choices("status", new HashSet<string> { "pending", "failed", "completed" }));
        Assert.True(query.IsValid);
    }
}
