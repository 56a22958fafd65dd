using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Persistence.Maintenance.GarbageCollection;

public static class GarbageCollectionExtensions
{
    /// <summary>Registers <see cref="GarbageCollector"/>; the host must have registered its storage (AddPersistenceStorage) and a TimeProvider.</summary>
    public static IHostApplicationBuilder AddGarbageCollector(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>()
            .BindConfiguration(RetentionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<GarbageCollector>();
        return builder;
    }
}
