using Microsoft.Extensions.Options;
using Persistence.Contracts;

namespace Translation.Worker.Processing;

/// <summary>
/// The engine for the next claim: <c>Processing:Engine</c> as configuration has it now (the settings file is
/// reloaded while the worker runs), or the engine a re-queue named for one job. A reload that is invalid, or names the
/// OpenAI engine without a key, is refused with a log entry and the previous engine stays.
/// </summary>
public sealed class EngineSelector(
    DebugEngine debug,
    IServiceProvider services,
    IOptionsMonitor<EngineChoice> choice,
    IOptions<OpenAiOptions> openAi,
    ILogger<EngineSelector> logger)
{
    private readonly Lock _gate = new();
    private string? _current;
    private string? _refused;
    private OpenAiEngine? _openAiEngine;

    /// <summary>The configured engine for this claim.</summary>
    public ITranslationEngine Current => Resolve(ConfiguredName());

    /// <summary>The engine a job goes to: its override if it has one this worker can run, else the configured one.</summary>
    public ITranslationEngine For(string? engineOverride) =>
        engineOverride is not null && CanRun(engineOverride) ? Resolve(engineOverride) : Current;

    /// <summary>Whether this worker can run <paramref name="name"/> (the OpenAI engine needs a key).</summary>
    public bool CanRun(string name) =>
        name == TranslationEngines.Debug || (name == TranslationEngines.OpenAi && !string.IsNullOrWhiteSpace(openAi.Value.ApiKey));

    private string ConfiguredName()
    {
        var wanted = choice.CurrentValue.Engine ?? TranslationEngines.Debug;
        lock (_gate)
        {
            if (wanted == _current)
            {
                return wanted;
            }

            if (!CanRun(wanted))
            {
                if (_refused != wanted)
                {
                    _refused = wanted;
                    ProcessingLog.EngineSwitchRefused(
                        logger,
                        wanted == TranslationEngines.OpenAi ? "Processing:Engine openai needs Processing:OpenAi:ApiKey" : $"Processing:Engine must be {TranslationEngines.Debug} or {TranslationEngines.OpenAi}, not '{wanted}'",
                        _current ?? TranslationEngines.Debug);
                }

                return _current ?? TranslationEngines.Debug;
            }

            if (_current is not null)
            {
                ProcessingLog.EngineSwitched(logger, _current, wanted);
            }

            _current = wanted;
            _refused = null;
            return wanted;
        }
    }

    // One instance for the process: the typed client is transient, and its concurrency limit is per instance.
    private ITranslationEngine Resolve(string name) => name == TranslationEngines.OpenAi ? OpenAi() : debug;

    private OpenAiEngine OpenAi()
    {
        lock (_gate)
        {
            return _openAiEngine ??= services.GetRequiredService<OpenAiEngine>();
        }
    }
}
