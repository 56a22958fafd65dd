using Microsoft.Extensions.Options;

namespace Translation.Worker.Flushing;

/// <summary>The rules between settings that data annotations cannot state.</summary>
public sealed class FlushOptionsValidator : IValidateOptions<FlushOptions>
{
    public ValidateOptionsResult Validate(string? name, FlushOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        // One late renewal must not make a live worker look dead.
        if (options.HeartbeatTtlMs < 2 * options.HeartbeatIntervalMs)
        {
            errors.Add($"Flush:HeartbeatTtlMs ({options.HeartbeatTtlMs}) must be at least twice Flush:HeartbeatIntervalMs ({options.HeartbeatIntervalMs}).");
        }

        // A held entry must never look stuck to the stale-entry reclaimer.
        if (options.CoalesceHoldMs * 2 > options.ClaimIdleTimeMs)
        {
            errors.Add($"Flush:CoalesceHoldMs ({options.CoalesceHoldMs}) must be at most half of Flush:ClaimIdleTimeMs ({options.ClaimIdleTimeMs}).");
        }

        // A read that gathers longer than a third of the lease would let the lease lapse mid-read (it is renewed between
        // reads), and a second flusher would split the keys coalescing should keep together.
        if (Math.Max(options.MaxBatchDelayMs, options.CoalesceHoldMs) * 3 > options.ReaderLeaseTtlMs)
        {
            errors.Add($"Flush:ReaderLeaseTtlMs ({options.ReaderLeaseTtlMs}) must be at least three times the longest read, Flush:MaxBatchDelayMs or Flush:CoalesceHoldMs ({Math.Max(options.MaxBatchDelayMs, options.CoalesceHoldMs)}).");
        }

        if (options.MaxReadRecords < options.BatchSize)
        {
            errors.Add($"Flush:MaxReadRecords ({options.MaxReadRecords}) must be at least Flush:BatchSize ({options.BatchSize}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
