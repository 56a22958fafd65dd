using Microsoft.Extensions.Options;
using Persistence.Maintenance.GarbageCollection;

namespace Translation.Worker.GarbageCollection;

public static class GarbageCollectionExtensions
{
    public static IHostApplicationBuilder AddGarbageCollection(this IHostApplicationBuilder builder)
    {
        builder.AddGarbageCollector();
        builder.Services.AddOptions<GarbageCollectionScheduleOptions>()
            .BindConfiguration(GarbageCollectionScheduleOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GarbageCollectionScheduleOptions>, GarbageCollectionScheduleValidator>();
        builder.Services.AddHostedService<GarbageCollectionScheduler>();
        return builder;
    }
}
