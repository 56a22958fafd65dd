namespace Persistence.Api.Pipeline;

public static class PipelineExtensions
{
    public static IHostApplicationBuilder AddPipeline(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PipelineOptions>()
            .BindConfiguration(PipelineOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<FlushProgressPoller>();
        builder.Services.AddSingleton<FlushBarrier>();
        return builder;
    }
}
