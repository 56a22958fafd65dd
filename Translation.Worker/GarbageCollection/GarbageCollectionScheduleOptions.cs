using System.ComponentModel.DataAnnotations;

namespace Translation.Worker.GarbageCollection;

/// <summary>When the worker collects garbage by itself; what is collected is <c>RetentionOptions</c>, same section.</summary>
public sealed class GarbageCollectionScheduleOptions : IValidatableObject
{
    public const string SectionName = "GarbageCollection";

    public bool Enabled { get; set; } = true;

    /// <summary>Five-field cron expression in UTC; the default is daily at 03:30.</summary>
    public string Schedule { get; set; } = "30 3 * * *";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!CronExpression.TryParse(Schedule, out _, out var error))
        {
            yield return new ValidationResult($"GarbageCollection:Schedule: {error}", [nameof(Schedule)]);
        }
    }
}
