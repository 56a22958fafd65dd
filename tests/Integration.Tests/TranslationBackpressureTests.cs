using System.Net;
using System.Net.Http.Json;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>Registration appends to Redis like ingest does, so it obeys the same backpressure.</summary>
[Collection(ConstrainedStackDefinition.Name)]
public sealed class TranslationBackpressureTests(ConstrainedStackFixture stack)
{
    [Fact]
    public async Task A_translation_request_gets_503_with_Retry_After_while_the_backlog_is_over_the_mark_and_202_after_it_falls()
    {
        var prefix = Records.Prefix();
        await using (await TableLock.TakeAsync(stack, "translation_tasks"))
        {
            // Workers cannot commit tasks while the lock is held, so the backlog stays where the batches leave it.
            var shedding = false;
            for (var batch = 0; batch < 10 && !shedding; batch++)
            {
                using var response = await stack.Gateway.PostAsJsonAsync(
                    ApiRoutes.Persistence.TasksBatch, new { tasks = Records.Tasks(prefix, 1000, offset: batch * 1000) });
                shedding = response.StatusCode == HttpStatusCode.ServiceUnavailable;
                await Task.Delay(200);
            }

            Assert.True(shedding, "The task batches never passed the high-water mark.");
            using (var refused = await RequestAsync($"{prefix}.shed"))
            {
                var body = await refused.Content.ReadAsStringAsync();
                Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)refused.StatusCode}: {body}");
                Assert.NotNull(refused.Headers.RetryAfter);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            }

        }

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            using var response = await RequestAsync($"{prefix}.open");
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Registration did not reopen: {(int)response.StatusCode}\n{stack.Stack.LogTail()}");
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    private Task<HttpResponseMessage> RequestAsync(string businessId) =>
        stack.Gateway.PostAsJsonAsync(ApiRoutes.DeprecatedTranslations.Prefix, new { business_id = businessId, text = "Hello", source_lang = "en", target_langs = new[] { "fr" } });
}
