using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Persistence.Contracts;
using Translation.Worker.Processing;

namespace Translation.Worker.Tests;

public sealed class EngineSelectorTests
{
    [Fact]
    public void Follows_a_configuration_reload_from_the_next_lookup()
    {
        var (configuration, selector) = Build(apiKey: "test-key");
        Assert.Equal(TranslationEngines.Debug, selector.Current.Name);

        configuration.Set("Processing:Engine", TranslationEngines.OpenAi);

        var current = selector.Current;
        Assert.Equal(TranslationEngines.OpenAi, current.Name);
        Assert.Equal("openai:a-model", current.Producer);
        Assert.Equal("a-model", current.Version);
        // One engine for the process: its concurrency limit would not hold across instances.
        Assert.Same(current, selector.Current);
    }

    [Fact]
    public void Refuses_an_invalid_engine_or_one_without_its_key_and_keeps_the_previous_one()
    {
        var (configuration, selector) = Build(apiKey: null);
        Assert.Equal(TranslationEngines.Debug, selector.Current.Name);

        configuration.Set("Processing:Engine", TranslationEngines.OpenAi);
        Assert.Equal(TranslationEngines.Debug, selector.Current.Name);
        Assert.False(selector.CanRun(TranslationEngines.OpenAi));

        configuration.Set("Processing:Engine", "babelfish");
        Assert.Equal(TranslationEngines.Debug, selector.Current.Name);
    }

    [Fact]
    public void A_job_override_the_worker_can_run_wins_over_the_configured_engine()
    {
        var (configuration, selector) = Build(apiKey: "test-key");
        configuration.Set("Processing:Engine", TranslationEngines.OpenAi);

        Assert.Equal(TranslationEngines.Debug, selector.For(TranslationEngines.Debug).Name);
        Assert.Equal(TranslationEngines.OpenAi, selector.For(null).Name);
        Assert.Equal(TranslationEngines.OpenAi, selector.For("unknown").Name);
    }

    private static (ReloadableSource Configuration, EngineSelector Selector) Build(string? apiKey)
    {
        var source = new ReloadableSource(new Dictionary<string, string?>
        {
            ["Processing:Engine"] = TranslationEngines.Debug,
            ["Processing:OpenAi:Model"] = "a-model",
            ["Processing:OpenAi:ApiKey"] = apiKey,
        });
        var configuration = new ConfigurationBuilder().Add(source).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<DebugEngine>()
            .AddSingleton<EngineSelector>();
        services.AddOptions<EngineChoice>().Bind(configuration.GetSection(ProcessingOptions.SectionName));
        services.AddOptions<OpenAiOptions>().Bind(configuration.GetSection(OpenAiOptions.SectionName));
        services.AddHttpClient<OpenAiEngine>();
        return (source, services.BuildServiceProvider().GetRequiredService<EngineSelector>());
    }

    /// <summary>In-memory configuration that signals a reload on each change, as a watched file does.</summary>
    private sealed class ReloadableSource(Dictionary<string, string?> initial) : ConfigurationProvider, IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

        public override void Load() => Data = new Dictionary<string, string?>(initial, StringComparer.OrdinalIgnoreCase);

        public override void Set(string key, string? value)
        {
            base.Set(key, value);
            OnReload();
        }
    }
}
