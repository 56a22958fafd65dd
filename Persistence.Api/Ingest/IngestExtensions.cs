using Persistence.Contracts;
namespace Persistence.Api.Ingest;

public static class IngestExtensions
{
    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestOptions>()
            .BindConfiguration(IngestOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RecordValidator>();
        builder.Services.AddSingleton<StorageMetrics>();
        builder.Services.AddSingleton<DurableConnection>();
        builder.Services.AddSingleton<StreamAppender>();
        builder.Services.AddHostedService<DurabilityCheck>();
        return builder;
    }
}
