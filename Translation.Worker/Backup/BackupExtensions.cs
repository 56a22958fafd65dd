using Microsoft.Extensions.Options;
using Persistence.Contracts;
using Persistence.Storage;
using Translation.Worker.Backup.MySql;
using Translation.Worker.Backup.PostgreSql;

namespace Translation.Worker.Backup;

public static class BackupExtensions
{
    /// <summary>
    /// What both the <c>backup</c>/<c>restore</c> commands and the scheduler use: the dump of the configured backend,
    /// and on MySQL the binary-log replay of a point-in-time restore.
    /// </summary>
    public static IHostApplicationBuilder AddBackupServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BackupOptions>().BindConfiguration(BackupOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BackupOptions>, BackupOptionsValidator>();
        if (StorageOptions.Read(builder.Configuration).BackendOf(StorageCollections.Sessions) == StorageBackends.PostgreSql)
        {
            builder.Services.AddSingleton<DatabaseDump>(services => new PostgreSqlDump(Settings(services), ConnectionString(services)));
        }
        else
        {
            builder.Services.AddSingleton(services => new MySqlTools(Settings(services), ConnectionString(services)));
            builder.Services.AddSingleton<DatabaseDump, MySqlDump>();
            builder.Services.AddSingleton(services => new BinlogReplay(
                Settings(services),
                services.GetRequiredService<IConfiguration>().GetConnectionString(BinlogReplay.ConnectionName) is { Length: > 0 } replay
                    ? new MySqlTools(Settings(services), replay)
                    : null,
                services.GetRequiredService<TimeProvider>()));
        }

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

    private static BackupOptions Settings(IServiceProvider services) => services.GetRequiredService<IOptions<BackupOptions>>().Value;

    private static string ConnectionString(IServiceProvider services) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString(WorkerExtensions.DatabaseConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{WorkerExtensions.DatabaseConnectionName} is not set.");
}
