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
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, TranslationsJsonContext.Default));
        builder.Services.AddSingleton<TranslationValidator>();
        builder.Services.AddSingleton<TranslationQueries>();
        return builder;
    }
}
