using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MySqlConnector;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>Translation memory answers only with translations the configured engine (the stack's: debug) made.</summary>
[Collection(StackDefinition.Name)]
public sealed class EngineMemoryTests(StackFixture stack)
{
    [Fact]
    public async Task A_translation_another_engine_made_is_not_reused_and_the_content_is_translated_again()
    {
        var prefix = Records.Prefix();
        var text = $"Engine switch {prefix}";
        await RequestAsync($"{prefix}.first", text);
        await WaitForTranslatedAsync($"{prefix}.first");

        // What another engine (another model) would have left in memory for the same content and language.
        await using (var db = stack.OpenDatabase())
        await using (var relabel = new MySqlCommand(
            """
            UPDATE translation_memory m JOIN translation_jobs j ON j.content_hash = m.content_hash AND j.target_lang = m.target_lang
            SET m.engine = 'openai:another-model', m.translated_text = 'from another engine'
            WHERE j.business_id = @business
            """,
            db))
        {
            relabel.Parameters.AddWithValue("@business", $"{prefix}.first");
            Assert.Equal(1, await relabel.ExecuteNonQueryAsync());
        }

        await RequestAsync($"{prefix}.second", text);
        var second = await WaitForTranslatedAsync($"{prefix}.second");
        Assert.Equal("[fr] " + new string([.. text.Reverse()]), second.GetProperty("result").GetString());
        Assert.False(second.GetProperty("reused").GetBoolean());

        // The debug engine's translation is remembered beside the other engine's, which stays as it was.
        await using (var db = stack.OpenDatabase())
        await using (var engines = new MySqlCommand(
            """
            SELECT GROUP_CONCAT(m.engine ORDER BY m.engine) FROM translation_memory m
            JOIN translation_jobs j ON j.content_hash = m.content_hash AND j.target_lang = m.target_lang
            WHERE j.business_id = @business
            """,
            db))
        {
            engines.Parameters.AddWithValue("@business", $"{prefix}.second");
            Assert.Equal("debug,openai:another-model", Convert.ToString(await engines.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
        }
    }

    private async Task RequestAsync(string businessId, string text)
    {
        using var response = await stack.Gateway.PostAsJsonAsync(
            ApiRoutes.DeprecatedTranslations.Prefix, new { business_id = businessId, text, source_lang = "en", target_langs = new[] { "fr" } });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<JsonElement> WaitForTranslatedAsync(string businessId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var response = await stack.Gateway.GetAsync($"{ApiRoutes.DeprecatedTranslations.Prefix}/{businessId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                var job = body.GetProperty("translations").EnumerateArray().Single();
                if (job.GetProperty("status").GetString() == "translated")
                {
                    return job.Clone();
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {businessId} to be translated.\n{stack.LogTail()}");
            await Task.Delay(200);
        }
    }
}
