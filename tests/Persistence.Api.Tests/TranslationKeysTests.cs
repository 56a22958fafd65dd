using System.Text.Json;
using Persistence.Api.Translations;

namespace Persistence.Api.Tests;

/// <summary>Job ids name what was asked: the same request always, anything different never.</summary>
public sealed class TranslationKeysTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static string Job(string business, string text, string source, string? context, string target) =>
        TranslationKeys.JobId(business, TranslationKeys.ContentHash(source, text, context is null ? null : Json(context)), target);

    [Fact]
    public void The_same_request_gives_the_same_job_id_every_time()
    {
        var first = Job("app.title", "Hello", "en", """{"screen":"home"}""", "fr");
        Assert.Equal(first, Job("app.title", "Hello", "en", """{"screen":"home"}""", "fr"));
        Assert.Matches("^[0-9a-f]{32}$", first);
    }

    [Fact]
    public void Member_order_and_whitespace_in_the_context_do_not_matter()
    {
        var a = Job("b", "Hello", "en", """{"a":1,"b":{"y":[1,2],"x":"z"}}""", "de");
        var b = Job("b", "Hello", "en", """ { "b" : { "x" : "z", "y" : [ 1, 2 ] }, "a" : 1 } """, "de");
        Assert.Equal(a, b);
    }

    [Fact]
    public void No_context_and_a_null_context_are_the_same()
    {
        Assert.Equal(TranslationKeys.ContentHash("en", "Hi", null), TranslationKeys.ContentHash("en", "Hi", Json("null")));
    }

    [Theory]
    [InlineData("other.id", "Hello", "en", null, "fr")]
    [InlineData("app.title", "Hello!", "en", null, "fr")]
    [InlineData("app.title", "Hello", "en-GB", null, "fr")]
    [InlineData("app.title", "Hello", "en", """{"screen":"home"}""", "fr")]
    [InlineData("app.title", "Hello", "en", null, "de")]
    public void Changing_any_part_gives_another_job(string business, string text, string source, string? context, string target) =>
        Assert.NotEqual(Job("app.title", "Hello", "en", null, "fr"), Job(business, text, source, context, target));

    [Fact]
    public void Parts_cannot_run_into_each_other()
    {
        Assert.NotEqual(Job("ab", "c", "en", null, "fr"), Job("a", "bc", "en", null, "fr"));
        Assert.NotEqual(TranslationKeys.ContentHash("en", "a", null), TranslationKeys.ContentHash("e", "na", null));
    }

    [Fact]
    public void Array_order_in_the_context_matters()
    {
        Assert.NotEqual(TranslationKeys.CanonicalJson(Json("[1,2]")), TranslationKeys.CanonicalJson(Json("[2,1]")));
        Assert.Equal("""{"a":[2,1],"b":"x"}""", TranslationKeys.CanonicalJson(Json("""{"b":"x","a":[2,1]}""")));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF", false)]
    [InlineData("0123456789abcdef0123456789abcde", false)]
    [InlineData("é123456789abcdef0123456789abcdef", false)]
    public void Only_strings_shaped_like_a_job_id_can_name_one(string value, bool valid) =>
        Assert.Equal(valid, TranslationKeys.IsJobId(value));
}
