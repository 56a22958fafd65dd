using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Persistence.Api.Ingest;
using Persistence.Contracts;

namespace Persistence.Api.Tests;

public sealed class RecordValidatorTests
{
    private static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Created.AddDays(1));
    private readonly RecordValidator _validator;

    public RecordValidatorTests() =>
        _validator = new(Options.Create(new IngestOptions { MaxMetadataBytes = 64, MaxTextLength = 10, MaxFutureSkewSeconds = 3600 }), _clock);

    private static SessionRecord ValidSession() => new()
    {
        SessionId = "s-1",
        Status = "processing",
        SourceLang = "en",
        TargetLangs = ["zh-CN", "pt-BR"],
        TotalTasks = 3,
        CreatedAt = Created,
        UpdatedAt = Created.AddSeconds(1),
    };

    private static TaskRecord ValidTask() => new()
    {
        TaskId = "t-1",
        SessionId = "s-1",
        Status = "completed",
        TargetLang = "fr",
        SourceText = "hello",
        CreatedAt = Created,
        UpdatedAt = Created,
    };

    [Fact]
    public void Valid_records_have_no_errors()
    {
        Assert.Empty(_validator.Validate([ValidSession()]));
        Assert.Empty(_validator.Validate([ValidTask()]));
    }

    [Fact]
    public void Every_error_is_reported_with_its_item_index_and_field()
    {
        var errors = _validator.Validate(
        [
            ValidTask(),
            ValidTask() with { TaskId = new string('x', 65), Status = "done" },
            null,
            ValidTask() with { SessionId = null, Attempts = -1, UpdatedAt = Created.AddSeconds(-1) },
        ]);

        Assert.Equal(
            [(1, "task_id"), (1, "status"), (2, ""), (3, "session_id"), (3, "attempts"), (3, "updated_at")],
            errors.Select(e => (e.Index!.Value, e.Field)).ToArray());
    }

    [Theory]
    [InlineData("paused", true)]
    [InlineData("cancelled", true)]
    [InlineData("Processing", false)]
    [InlineData("", false)]
    public void Session_status_must_be_one_of_the_documented_values(string status, bool valid) =>
        Assert.Equal(valid, _validator.Validate([ValidSession() with { Status = status }]).Count == 0);

    [Fact]
    public void Paused_is_a_session_status_but_not_a_task_status() =>
        Assert.Contains(_validator.Validate([ValidTask() with { Status = "paused" }]), e => e.Field == "status");

    [Theory]
    [InlineData("zh-Hant-TW", true)]
    [InlineData("e", false)]
    [InlineData("en_US", false)]
    [InlineData("en-", false)]
    public void Language_tags_are_checked(string tag, bool valid) =>
        Assert.Equal(valid, _validator.Validate([ValidSession() with { SourceLang = tag }]).Count == 0);

    [Fact]
    public void Target_language_errors_name_their_position() =>
        Assert.Equal("target_langs[1]", Assert.Single(_validator.Validate([ValidSession() with { TargetLangs = ["fr", "no way"] }])).Field);

    [Fact]
    public void Metadata_must_be_a_small_object()
    {
        using var array = JsonDocument.Parse("[1,2]");
        using var large = JsonDocument.Parse($"{{\"k\":\"{new string('v', 100)}\"}}");

        Assert.Equal("metadata", Assert.Single(_validator.Validate([ValidSession() with { Metadata = array.RootElement }])).Field);
        Assert.Equal("metadata", Assert.Single(_validator.Validate([ValidSession() with { Metadata = large.RootElement }])).Field);
    }

    [Fact]
    public void Texts_are_capped_and_ids_may_not_carry_control_characters()
    {
        var errors = _validator.Validate([ValidTask() with { SourceText = new string('a', 11), TaskId = "a\nb" }]);
        Assert.Equal(["task_id", "source_text"], errors.Select(e => e.Field).ToArray());
    }

    [Fact]
    public void Timestamps_are_required_and_not_before_the_epoch()
    {
        var errors = _validator.Validate([ValidTask() with { CreatedAt = null, UpdatedAt = new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero) }]);
        Assert.Equal(["created_at", "updated_at"], errors.Select(e => e.Field).ToArray());
    }

    [Theory]
    [InlineData(31, true)]
    [InlineData(32, false)]
    public void Metadata_may_nest_only_as_deep_as_MariaDB_stores_JSON(int levels, bool valid)
    {
        var validator = new RecordValidator(Options.Create(new IngestOptions()), _clock);
        using var nested = JsonDocument.Parse(string.Concat(Enumerable.Repeat("[", levels)) + string.Concat(Enumerable.Repeat("]", levels)));
        var wrapped = JsonDocument.Parse("{\"n\":" + nested.RootElement.GetRawText()[1..^1] + "}");

        var errors = validator.Validate([ValidTask() with { Metadata = wrapped.RootElement }]);

        Assert.Equal(valid, errors.Count == 0);
        Assert.All(errors, e => Assert.Equal((0, "metadata"), (e.Index, e.Field)));
    }

    [Theory]
    [InlineData("t-1 ", 0)]
    // An unpaired surrogate: attribute arguments cannot carry one, so it is appended here.
    [InlineData("t-1", 0xD800)]
    public void Ids_the_database_collation_would_confuse_with_others_are_refused(string text, int appended)
    {
        var id = appended == 0 ? text : text + (char)appended;
        var error = Assert.Single(_validator.Validate([ValidTask(), ValidTask() with { TaskId = id }]));
        Assert.Equal((1, "task_id"), (error.Index, error.Field));
    }

    [Fact]
    public void A_leading_space_is_kept_distinct_by_the_collation_and_allowed() =>
        Assert.Empty(_validator.Validate([ValidTask() with { TaskId = " t-1" }]));

    [Fact]
    public void Updated_at_beyond_the_allowed_clock_skew_is_refused_and_within_it_accepted()
    {
        var now = _clock.GetUtcNow();
        var errors = _validator.Validate(
        [
            ValidSession() with { UpdatedAt = now.AddMinutes(59) },
            ValidSession() with { UpdatedAt = now.AddMinutes(61) },
        ]);

        var error = Assert.Single(errors);
        Assert.Equal((1, "updated_at"), (error.Index, error.Field));
    }
}
