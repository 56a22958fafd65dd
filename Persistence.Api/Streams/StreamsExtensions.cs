using Persistence.Contracts;

namespace Persistence.Api.Streams;

public static class StreamsExtensions
{
    public static IHostApplicationBuilder AddStreamLayout(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StreamLayoutOptions>()
            .BindConfiguration(StreamLayoutOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<StreamLayoutMonitor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<StreamLayoutMonitor>());
        return builder;
    }
}
