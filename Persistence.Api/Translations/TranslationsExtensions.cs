
namespace Persistence.Api.Translations;

public static class TranslationsExtensions
{
    public static IHostApplicationBuilder AddTranslations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TranslationOptions>()
            .BindConfiguration(TranslationOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.EffectiveTargetLanguages.All(Ingest.RecordValidator.IsLanguageTag), "Translations:TargetLanguages must be BCP 47 tags.")
            .ValidateOnStart();
        builder.Services.AddSingleton<TranslationValidator>();
        builder.Services.AddSingleton<TranslationQueries>();
        builder.Services.AddSingleton<JobTransitions>();
        builder.Services.AddSingleton<EngineAvailability>();
        builder.Services.AddSingleton<HistoryQueries>();
        builder.Services.AddSingleton<FailedJobQueries>();
        return builder;
    }

    /// <summary>The lifecycle routes beside the translation routes: review, forced re-translation, history, failed jobs.</summary>
    public static IEndpointRouteBuilder MapTranslationLifecycleApi(this IEndpointRouteBuilder app)
    {
        app.MapTranslationReviewApi();
        app.MapRetranslationApi();
        app.MapTranslationHistoryApi();
        app.MapFailedTranslationsApi();
        return app;
    }
}
