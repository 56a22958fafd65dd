using Persistence.Api.Monitoring;

namespace Persistence.Api.Backpressure;

public static class BackpressureExtensions
{
    public static IHostApplicationBuilder AddBackpressure(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BackpressureOptions>()
            .BindConfiguration(BackpressureOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(options => options.Valid, "Backpressure low-water marks must be below the high-water marks.")
            .ValidateOnStart();
        builder.Services.AddSingleton<PipelineGauges>();
        builder.Services.AddSingleton<BacklogMonitor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<BacklogMonitor>());
        return builder;
    }
}
