using Microsoft.Extensions.Options;
using Persistence.Contracts;

namespace Translation.Worker.Processing;

public static class ProcessingExtensions
{
    public static IHostApplicationBuilder AddProcessing(this IHostApplicationBuilder builder)
    {
        // Settings an operator changes while the worker runs (Processing:Engine): read now and again on each change.
        if (builder.Configuration[ProcessingOptions.SettingsFileKey] is { Length: > 0 } settingsFile)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(settingsFile), optional: true, reloadOnChange: true);
        }

        builder.Services.AddOptions<ProcessingOptions>()
            .BindConfiguration(ProcessingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var apiKeyFromEnvironment = builder.Configuration[OpenAiOptions.ApiKeyVariable];
        builder.Services.AddOptions<OpenAiOptions>()
            .BindConfiguration(OpenAiOptions.SectionName)
            .PostConfigure(o => o.ApiKey = string.IsNullOrWhiteSpace(o.ApiKey) ? apiKeyFromEnvironment : o.ApiKey)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OpenAiOptions>, OpenAiKeyRequired>();

        builder.Services.AddSingleton<ProcessingMetrics>();
        builder.Services.AddSingleton<JobStore>();
        builder.Services.AddSingleton<DebugEngine>();
        // Retries, Retry-After and per-call timeouts are the engine's own: the default resilience handler would retry again
        // inside each of its attempts and hold the concurrency slot meanwhile.
#pragma warning disable EXTEXP0001 // Evaluation API, but the documented way to opt one client out of the defaults.
        // The engine lives as long as the process, so its connections are recycled to follow DNS changes.
        builder.Services.AddHttpClient<OpenAiEngine>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddOptions<EngineChoice>().BindConfiguration(ProcessingOptions.SectionName);
        builder.Services.AddSingleton<EngineSelector>();
        builder.Services.AddHostedService<TranslationProcessor>();
        builder.Services.AddHostedService<EngineAnnouncer>();
        return builder;
    }

    /// <summary>The OpenAI engine cannot start without a key; the debug engine does not need one.</summary>
    private sealed class OpenAiKeyRequired(IOptions<ProcessingOptions> processing) : IValidateOptions<OpenAiOptions>
    {
        public ValidateOptionsResult Validate(string? name, OpenAiOptions options) =>
            processing.Value.Engine == TranslationEngines.OpenAi && string.IsNullOrWhiteSpace(options.ApiKey)
                ? ValidateOptionsResult.Fail($"Processing:Engine is openai: set Processing__OpenAi__ApiKey or {OpenAiOptions.ApiKeyVariable}.")
                : ValidateOptionsResult.Success;
    }
}
