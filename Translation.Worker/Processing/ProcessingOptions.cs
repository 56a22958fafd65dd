using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Persistence.Contracts;

namespace Translation.Worker.Processing;

public sealed class ProcessingOptions
{
    public const string SectionName = "Processing";

    /// <summary>
    /// A JSON file of settings watched while the worker runs (a change to Processing:Engine applies to the next
    /// claims); the local stack points it at <c>worker/settings.json</c> in its state folder.
    /// </summary>
    public const string SettingsFileKey = "Processing:SettingsFile";

    /// <summary>Target languages this worker processes, one loop each. Unset means <see cref="TranslationLanguages.Default"/>.</summary>
    // An array set only from configuration: the binder appends to a list that already holds defaults.
    [SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "Bound from configuration.")]
    public string[]? Languages { get; set; }

    /// <summary><c>debug</c> (deterministic, no network) or <c>openai</c> (an OpenAI-compatible chat-completions API).</summary>
    [Required]
    [RegularExpression("^(debug|openai)$")]
    public string Engine { get; set; } = TranslationEngines.Debug;

    /// <summary>Jobs claimed per transaction, and so per engine round.</summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 50;

    /// <summary>How long a claim stays ours; a worker that dies leaves its jobs to others after this.</summary>
    [Range(1, 86_400)]
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>Claims of a job before it is marked failed.</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before the second attempt; doubled for each further one, with ±20 % jitter.</summary>
    [Range(1, 86_400_000)]
    public int RetryBaseDelayMs { get; set; } = 2_000;

    [Range(1, 86_400_000)]
    public int RetryMaxDelayMs { get; set; } = 300_000;

    /// <summary>Pause between claims while a language has nothing due.</summary>
    [Range(1, 60_000)]
    public int IdlePollIntervalMs { get; set; } = 250;

    /// <summary>Names this process in the jobs' lease_owner column.</summary>
    [Required]
    [StringLength(150, MinimumLength = 1)]
    public string WorkerName { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>
    /// Whether memory may answer with another engine's translation. Off, a switch of engine never serves the old
    /// engine's output as the new one's; approved translations are reused either way.
    /// </summary>
    public bool ReuseOtherEngines { get; set; }

    public IReadOnlyList<string> EffectiveLanguages => Languages is { Length: > 0 } configured ? configured : TranslationLanguages.Default;
}

/// <summary>
/// <c>Processing:Engine</c> alone, as the settings file has it now. Read through a monitor without validation: a
/// monitor validates in the reload callback itself, where a bad edit would throw on the file watcher's thread.
/// <see cref="EngineSelector"/> checks the value instead (and <see cref="ProcessingOptions"/> at start).
/// </summary>
public sealed class EngineChoice
{
    public string? Engine { get; set; }
}

public sealed class OpenAiOptions
{
    public const string SectionName = "Processing:OpenAi";

    /// <summary>Environment variable read when <see cref="ApiKey"/> is not configured.</summary>
    public const string ApiKeyVariable = "TH_OPENAI_API_KEY";

    /// <summary>Base of the API; <c>/chat/completions</c> is appended.</summary>
    [Required]
    [Url]
    public string BaseUrl { get; set; } = "https://api.openai.com/v1";

    /// <summary>Remembered with each translation as <c>openai:</c> and the model, which must fit translation_memory.engine (200).</summary>
    [Required]
    [MaxLength(193)]
    public string Model { get; set; } = "gpt-4o-mini";

    public string? ApiKey { get; set; }

    /// <summary>Longest wait for one HTTP call.</summary>
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Extra attempts of a call answered 429, 5xx, or not at all.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 4;

    [Range(1, 600_000)]
    public int RetryBaseDelayMs { get; set; } = 500;

    /// <summary>Ceiling of a back-off, and of a <c>Retry-After</c> honoured within one claim.</summary>
    [Range(1, 600_000)]
    public int MaxRetryDelayMs { get; set; } = 30_000;

    /// <summary>Calls in flight at once from this process.</summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Texts sent in one call, as a JSON array.</summary>
    [Range(1, 500)]
    public int MaxTextsPerCall { get; set; } = 20;
}
