using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MySqlConnector;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>
/// What MariaDB would refuse or misfile after the 202 is refused up front: JSON nested deeper than its limit, ids
/// its PAD SPACE collation cannot tell apart, and timestamps from the far future that would pin a row for good.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class StorageLimitTests(StackFixture stack)
{
    /// <summary>MariaDB's JSON_VALID gives up at 32 nested arrays or objects; 31 is the deepest it stores.</summary>
    private const int DeepestStoredNesting = 31;

    [Fact]
    public async Task Metadata_nested_past_what_MariaDB_stores_is_refused_with_its_index_and_nothing_is_stored()
    {
        var prefix = Records.Prefix();
        var fine = Records.Task($"{prefix}-t0", $"{prefix}-s0");
        var deep = Records.Task($"{prefix}-t1", $"{prefix}-s0");
        deep["metadata"] = Nested(DeepestStoredNesting + 1);

        using var response = await stack.PostTasksAsync([fine, deep]);

        await AssertRefusedAsync(response, index: 1, "metadata");
        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        Assert.Equal(0, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
    }

    [Fact]
    public async Task Metadata_as_deep_as_MariaDB_stores_is_accepted_and_lands_in_MySQL()
    {
        var prefix = Records.Prefix();
        var task = Records.Task($"{prefix}-t0", $"{prefix}-s0");
        task["metadata"] = Nested(DeepestStoredNesting);
        var session = Records.Session($"{prefix}-s0", "processing", 1);
        session["metadata"] = Nested(DeepestStoredNesting);

        using (var tasks = await stack.PostTasksAsync([task]))
        {
            Assert.Equal(HttpStatusCode.Accepted, tasks.StatusCode);
        }

        using (var sessions = await stack.PostSessionsAsync([session]))
        {
            Assert.Equal(HttpStatusCode.Accepted, sessions.StatusCode);
        }

        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        // JSON_DEPTH counts the scalar at the bottom as a level of its own.
        Assert.Equal(DeepestStoredNesting + 1, await ScalarAsync(db, "SELECT JSON_DEPTH(metadata) FROM translation_tasks WHERE task_id = @id", $"{prefix}-t0"));
        Assert.Equal(DeepestStoredNesting + 1, await ScalarAsync(db, "SELECT JSON_DEPTH(metadata) FROM translation_sessions WHERE session_id = @id", $"{prefix}-s0"));
    }

    [Fact]
    public async Task A_translation_context_nested_past_what_MariaDB_stores_is_refused()
    {
        var business = $"{Records.Prefix()}.deep";
        using var response = await stack.Gateway.PostAsJsonAsync(ApiRoutes.DeprecatedTranslations.Batch, new
        {
            items = new object[]
            {
                new { business_id = business + "-ok", text = "Hello", source_lang = "en", target_langs = new[] { "fr" } },
                new { business_id = business, text = "Hello", source_lang = "en", target_langs = new[] { "fr" }, context = Nested(DeepestStoredNesting + 1) },
            },
        });

        await AssertRefusedAsync(response, index: 1, "context");
        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        Assert.Equal(0, await ScalarAsync(db, "SELECT COUNT(*) FROM translation_jobs WHERE business_id LIKE CONCAT(@id, '%')", business));
    }

    [Theory]
    [InlineData("task_id")]
    [InlineData("session_id")]
    [InlineData("batch_id")]
    public async Task An_id_with_trailing_spaces_which_the_collation_ignores_is_refused(string field)
    {
        var prefix = Records.Prefix();
        var task = Records.Task($"{prefix}-t0", $"{prefix}-s0");
        task[field] = task[field] + "  ";

        using var response = await stack.PostTasksAsync([Records.Task($"{prefix}-t1", $"{prefix}-s0"), task]);

        await AssertRefusedAsync(response, index: 1, field);
        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        Assert.Equal(0, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
    }

    [Fact]
    public async Task A_business_id_with_trailing_spaces_is_refused()
    {
        var business = $"{Records.Prefix()}.title";
        using var response = await stack.Gateway.PostAsJsonAsync(
            ApiRoutes.DeprecatedTranslations.Prefix, new { business_id = business + " ", text = "Hello", source_lang = "en", target_langs = new[] { "fr" } });

        await AssertRefusedAsync(response, index: null, "business_id");
        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        Assert.Equal(0, await ScalarAsync(db, "SELECT COUNT(*) FROM translation_jobs WHERE business_id = @id", business));
    }

    [Fact]
    public async Task An_updated_at_beyond_the_configured_clock_skew_is_refused()
    {
        var prefix = Records.Prefix();
        var session = Records.Session($"{prefix}-s0", "processing", 1);
        // The shared stack allows about 80 years (see StackFixture); the default of one hour is unit-tested.
        session["updated_at"] = Records.Timestamp(DateTimeOffset.UtcNow.AddYears(150));

        using var response = await stack.PostSessionsAsync([Records.Session($"{prefix}-s1", "processing", 1), session]);

        await AssertRefusedAsync(response, index: 1, "updated_at");
        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        Assert.Equal(0, await Rows.CountAsync(db, "translation_sessions", "session_id", prefix));
    }

    [Fact]
    public async Task An_updated_at_within_the_clock_skew_is_accepted()
    {
        var prefix = Records.Prefix();
        var session = Records.Session($"{prefix}-s0", "processing", 1);
        session["updated_at"] = Records.Timestamp(DateTimeOffset.UtcNow.AddMinutes(5));

        using var response = await stack.PostSessionsAsync([session]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary><paramref name="levels"/> objects inside one another, with a number at the bottom.</summary>
    private static JsonNode Nested(int levels)
    {
        JsonNode node = JsonValue.Create(1);
        for (var i = 0; i < levels; i++)
        {
            node = new JsonObject { [string.Create(CultureInfo.InvariantCulture, $"l{i}")] = node };
        }

        return node;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, int? index, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(Encoding.UTF8.GetBytes(text)).RootElement.GetProperty("errors").EnumerateArray().ToList();
        var error = Assert.Single(errors);
        Assert.Equal(field, error.GetProperty("field").GetString());
        if (index is { } expected)
        {
            Assert.Equal(expected, error.GetProperty("index").GetInt32());
        }
    }

    private static async Task<long> ScalarAsync(MySqlConnection db, string sql, string id)
    {
        await using var command = new MySqlCommand(sql, db);
        command.Parameters.AddWithValue("@id", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
