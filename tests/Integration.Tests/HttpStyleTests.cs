using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>One vocabulary across the API, with the first spellings still answering for v1, marked deprecated.</summary>
[Collection(StackDefinition.Name)]
public sealed class HttpStyleTests(StackFixture stack)
{
    private const string Jobs = ApiRoutes.Translation.Jobs;

    [Fact]
    public async Task The_old_jobs_path_answers_as_the_new_one_with_a_Deprecation_header_and_a_link_to_its_successor()
    {
        var business = $"style/{Records.Prefix()}/title";
        using var registered = await stack.Gateway.PostAsJsonAsync(
            ApiRoutes.DeprecatedTranslations.Prefix, new { business_id = business, text = "Hello", source_lang = "en", target_langs = new[] { "fr" } });
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        Assert.Equal("@1796083200", Assert.Single(registered.Headers.GetValues("Deprecation")));
        Assert.Contains("</api/v1/translation/jobs>; rel=\"successor-version\"", registered.Headers.GetValues("Link"));
        var jobId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobs")[0].GetProperty("job_id").GetString();

        using var current = await stack.Gateway.PostAsJsonAsync(
            Jobs, new { business_id = business, text = "Hello", source_lang = "en", target_langs = new[] { "fr" } });
        Assert.Equal(HttpStatusCode.Accepted, current.StatusCode);
        Assert.False(current.Headers.Contains("Deprecation"));
        Assert.Equal(jobId, (await current.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobs")[0].GetProperty("job_id").GetString());

        using var retry = await stack.Gateway.PostAsync($"{ApiRoutes.DeprecatedTranslations.Prefix}/{new string('f', 32)}/retry", null);
        Assert.Equal(HttpStatusCode.NotFound, retry.StatusCode);
        Assert.Contains($"</api/v1/translation/jobs/{new string('f', 32)}/retry>; rel=\"successor-version\"", retry.Headers.GetValues("Link"));
    }

    [Fact]
    public async Task The_jobs_list_pages_with_page_size_and_still_takes_limit_as_a_deprecated_spelling()
    {
        using var current = await stack.Gateway.GetAsync($"{Jobs}?page_size=1");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.False(current.Headers.Contains("Deprecation"));
        Assert.True((await current.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetArrayLength() <= 1);

        using var old = await stack.Gateway.GetAsync($"{Jobs}?limit=1&lang=fr");
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.True(old.Headers.Contains("Deprecation"));

        using var both = await stack.Gateway.GetAsync($"{Jobs}?limit=1&page_size=1");
        await AssertRefusedAsync(both, "limit");

        using var tooLarge = await stack.Gateway.GetAsync($"{Jobs}?page_size=100000");
        await AssertRefusedAsync(tooLarge, "page_size");
    }

    [Theory]
    [InlineData("POST", ApiRoutes.Persistence.TasksBatch)]
    [InlineData("POST", ApiRoutes.Persistence.Flush)]
    [InlineData("GET", ApiRoutes.Persistence.Stats)]
    [InlineData("GET", ApiRoutes.Persistence.DeadLetters)]
    [InlineData("GET", ApiRoutes.Translation.Jobs)]
    [InlineData("GET", ApiRoutes.DeprecatedTranslations.Prefix + "/some/business")]
    [InlineData("POST", ApiRoutes.Admin.GarbageCollection)]
    public async Task Routes_that_used_to_ignore_unknown_query_parameters_refuse_them(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), $"{path}?pagesize=10");
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { tasks = Array.Empty<object>() });
        }

        using var response = await stack.Gateway.SendAsync(request);

        await AssertRefusedAsync(response, "pagesize");
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
    }
}
