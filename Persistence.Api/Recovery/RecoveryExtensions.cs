namespace Persistence.Api.Recovery;

public static class RecoveryExtensions
{
    public static IHostApplicationBuilder AddRecovery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RecoveryOptions>()
            .BindConfiguration(RecoveryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RestoreSlots>();
        return builder;
    }
}
