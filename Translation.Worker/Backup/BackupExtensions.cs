using Microsoft.Extensions.Options;

namespace Translation.Worker.Backup;

public static class BackupExtensions
{
    /// <summary>What both the <c>backup</c>/<c>restore</c> commands and the scheduler use.</summary>
    public static IHostApplicationBuilder AddBackupServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BackupOptions>().BindConfiguration(BackupOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BackupOptions>, BackupOptionsValidator>();
        builder.Services.AddSingleton(services => new MySqlTools(
            services.GetRequiredService<IOptions<BackupOptions>>().Value,
            services.GetRequiredService<IConfiguration>().GetConnectionString(WorkerExtensions.DatabaseConnectionName)
                ?? throw new InvalidOperationException($"ConnectionStrings:{WorkerExtensions.DatabaseConnectionName} is not set.")));
        builder.Services.AddSingleton(services => new BinlogReplay(
            services.GetRequiredService<IOptions<BackupOptions>>().Value,
            services.GetRequiredService<IConfiguration>().GetConnectionString(BinlogReplay.ConnectionName) is { Length: > 0 } replay
                ? new MySqlTools(services.GetRequiredService<IOptions<BackupOptions>>().Value, replay)
                : null,
            services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<BackupWriter>();
        builder.Services.AddSingleton<ServiceSeal>();
        builder.Services.AddSingleton<BackupRestorer>();
        return builder;
    }

    /// <summary>Scheduled backups with retention; the scheduler does nothing unless Backup:Enabled.</summary>
    public static IHostApplicationBuilder AddScheduledBackups(this IHostApplicationBuilder builder)
    {
        builder.AddBackupServices();
        builder.Services.AddHostedService<BackupScheduler>();
        return builder;
    }
}
