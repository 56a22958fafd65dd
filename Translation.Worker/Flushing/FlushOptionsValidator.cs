using Microsoft.Extensions.Options;

namespace Translation.Worker.Flushing;

/// <summary>The rules between settings that data annotations cannot state.</summary>
public sealed class FlushOptionsValidator : IValidateOptions<FlushOptions>
{
    public ValidateOptionsResult Validate(string? name, FlushOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // One late renewal must not make a live worker look dead.
        if (options.HeartbeatTtlMs < 2 * options.HeartbeatIntervalMs)
        {
            return ValidateOptionsResult.Fail(
                $"Flush:HeartbeatTtlMs ({options.HeartbeatTtlMs}) must be at least twice Flush:HeartbeatIntervalMs ({options.HeartbeatIntervalMs}).");
        }

        return ValidateOptionsResult.Success;
    }
}
