using Cronos;
using Microsoft.Extensions.Options;

namespace Translation.Worker.GarbageCollection;

/// <summary>When the worker collects garbage by itself; what is collected is <c>RetentionOptions</c>, same section.</summary>
public sealed class GarbageCollectionScheduleOptions
{
    public const string SectionName = "GarbageCollection";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Standard five-field cron expression (minute hour day-of-month month day-of-week) as Cronos reads it, evaluated
    /// in UTC; the default is daily at 03:30. When both day fields are restricted, a day must match both.
    /// </summary>
    public string Schedule { get; set; } = "30 3 * * *";

    /// <summary>
    /// The first time strictly after <paramref name="after"/> that <see cref="Schedule"/> names, or null when it names
    /// none at all (31 February). Throws <see cref="CronFormatException"/> for a schedule validation refuses.
    /// </summary>
    public DateTimeOffset? NextRunAfter(DateTimeOffset after) =>
        CronExpression.Parse(Schedule, CronFormat.Standard).GetNextOccurrence(after, TimeZoneInfo.Utc);
}

/// <summary>Refuses to start with a schedule that does not parse or never comes, naming the option and why.</summary>
public sealed class GarbageCollectionScheduleValidator(TimeProvider time) : IValidateOptions<GarbageCollectionScheduleOptions>
{
    private const string Option = GarbageCollectionScheduleOptions.SectionName + ":" + nameof(GarbageCollectionScheduleOptions.Schedule);

    public ValidateOptionsResult Validate(string? name, GarbageCollectionScheduleOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Schedule))
        {
            return ValidateOptionsResult.Fail($"{Option} is empty: set a five-field cron expression such as '30 3 * * *'.");
        }

        try
        {
            return options.NextRunAfter(time.GetUtcNow()) is null
                ? ValidateOptionsResult.Fail($"{Option} '{options.Schedule}' never occurs: no date matches its day and month fields.")
                : ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is CronFormatException or MissingSeedException)
        {
            return ValidateOptionsResult.Fail(
                $"{Option} '{options.Schedule}' is not a five-field cron expression (minute hour day-of-month month day-of-week, UTC): {ex.Message}");
        }
    }
}
