using Microsoft.Extensions.Options;

namespace Persistence.Client.Hosting;

/// <summary>Refuses a client configuration that cannot reach or authenticate to the gateway, at start.</summary>
internal sealed class PersistenceClientOptionsValidator : IValidateOptions<PersistenceClientOptions>
{
    public ValidateOptionsResult Validate(string? name, PersistenceClientOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add("PersistenceClient:ApiKey is required: an API key with the scopes the application uses (ingest, read, admin).");
        }

        if (options.BaseAddress is not { IsAbsoluteUri: true })
        {
            failures.Add($"PersistenceClient:BaseAddress must be an absolute URI such as https+http://gateway; it is '{options.BaseAddress}'.");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero || options.TotalTimeout < options.AttemptTimeout)
        {
            failures.Add("PersistenceClient:AttemptTimeout must be positive and at most TotalTimeout.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
