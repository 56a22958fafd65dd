using Microsoft.Extensions.Options;

namespace Persistence.Client.Writing;

/// <summary>Refuses writer limits that could not work, at start rather than at the first batch.</summary>
internal sealed class PersistenceWriterOptionsValidator : IValidateOptions<PersistenceWriterOptions>
{
    /// <summary>The API's own limit on records per batch (<c>Ingest:MaxBatchItems</c>).</summary>
    public const int ServerMaxBatchItems = 5000;

    public ValidateOptionsResult Validate(string? name, PersistenceWriterOptions options)
    {
        var failures = new List<string>();
        if (options.MaxBatchSize is < 1 or > ServerMaxBatchItems)
        {
            failures.Add($"PersistenceClient:Writer:MaxBatchSize must be from 1 to {ServerMaxBatchItems}; it is {options.MaxBatchSize}.");
        }

        if (options.Capacity < options.MaxBatchSize)
        {
            failures.Add($"PersistenceClient:Writer:Capacity ({options.Capacity}) must be at least MaxBatchSize ({options.MaxBatchSize}).");
        }

        if (options.CapacityBytes < 1)
        {
            failures.Add($"PersistenceClient:Writer:CapacityBytes must be positive; it is {options.CapacityBytes}.");
        }

        if (options.MaxBatchDelay <= TimeSpan.Zero)
        {
            failures.Add("PersistenceClient:Writer:MaxBatchDelay must be positive.");
        }

        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            failures.Add("PersistenceClient:Writer:ShutdownTimeout must not be negative.");
        }

        if (options.RetryBaseDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.RetryBaseDelay)
        {
            failures.Add("PersistenceClient:Writer:RetryBaseDelay must be positive and at most MaxRetryDelay.");
        }

        if (!Enum.IsDefined(options.FullMode))
        {
            failures.Add("PersistenceClient:Writer:FullMode must be Wait or Refuse.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
