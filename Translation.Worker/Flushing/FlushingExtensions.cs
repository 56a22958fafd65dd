using Microsoft.Extensions.Options;
using Persistence.Contracts;

namespace Translation.Worker.Flushing;

public static class FlushingExtensions
{
    public static IHostApplicationBuilder AddFlushing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FlushOptions>()
            .BindConfiguration(FlushOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FlushOptions>, FlushOptionsValidator>();
        builder.Services.AddOptions<StreamLayoutOptions>()
            .BindConfiguration(StreamLayoutOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<FlushMetrics>();
        builder.Services.AddSingleton<StorageMetrics>();
        // Before the flushers: hosted services stop in reverse order, so the heartbeat outlives their drain.
        builder.Services.AddHostedService<ConsumerHeartbeat>();
        builder.Services.AddSingleton<FlusherFactory>();
        builder.Services.AddSingleton<FlushSupervisor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<FlushSupervisor>());
        return builder;
    }
}
