using System.Text.Json;
using Microsoft.Extensions.Options;
using Persistence.Api.Ingest;
using Persistence.Api.Translations;
using Persistence.Contracts;

namespace Persistence.Api.Tests;

public sealed class TranslationValidatorTests
{
    private static readonly TranslationValidator Validator = new(Options.Create(new TranslationOptions()), Options.Create(new IngestOptions()));

    private static TranslationRequest Valid() => new()
    {
        BusinessId = "app.title",
        Text = "Hello",
        SourceLang = "en",
        TargetLangs = ["zh-CN", "fr"],
        Context = JsonDocument.Parse("""{"screen":"home"}""").RootElement.Clone(),
    };

    [Fact]
    public void A_valid_request_has_no_errors() => Assert.Empty(Validator.Validate([Valid()]));

    [Fact]
    public void Every_problem_is_reported_with_its_item_and_field()
    {
        var errors = Validator.Validate(
        [
            Valid(),
            Valid() with { BusinessId = " ", Text = "", SourceLang = "en_GB", TargetLangs = ["fr", "xx", null] },
            Valid() with { Context = JsonDocument.Parse("[1]").RootElement.Clone(), TargetLangs = [] },
            null,
        ]);

        Assert.Equal(
            [(1, "business_id"), (1, "text"), (1, "source_lang"), (1, "target_langs[1]"), (1, "target_langs[2]"), (2, "target_langs"), (2, "context"), (3, "")],
            errors.Select(e => (e.Index ?? -1, e.Field)).ToArray());
    }

    [Fact]
    public void A_language_no_worker_processes_is_refused()
    {
        var validator = new TranslationValidator(
            Options.Create(new TranslationOptions { TargetLanguages = ["fr"] }), Options.Create(new IngestOptions()));
        var error = Assert.Single(validator.Validate([Valid()]));
        Assert.Equal("target_langs[0]", error.Field);
    }

    [Fact]
    public void The_target_must_differ_from_the_source()
    {
        var error = Assert.Single(Validator.Validate([Valid() with { SourceLang = "fr", TargetLangs = ["fr"] }]));
        Assert.Contains("differ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_business_id_ending_in_a_space_is_refused() =>
        Assert.Equal("business_id", Assert.Single(Validator.Validate([Valid() with { BusinessId = "app.title " }])).Field);

    [Theory]
    [InlineData(31, true)]
    [InlineData(32, false)]
    public void A_context_may_nest_only_as_deep_as_MariaDB_stores_JSON(int levels, bool valid)
    {
        var json = string.Concat(Enumerable.Repeat("{\"a\":", levels)) + "1" + string.Concat(Enumerable.Repeat("}", levels));
        var errors = Validator.Validate([Valid() with { Context = JsonDocument.Parse(json).RootElement.Clone() }]);
        Assert.Equal(valid, errors.Count == 0);
        Assert.All(errors, e => Assert.Equal("context", e.Field));
    }
}
