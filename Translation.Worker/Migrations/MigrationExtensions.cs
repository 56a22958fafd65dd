namespace Translation.Worker.Migrations;

public static class MigrationExtensions
{
    public static IHostApplicationBuilder AddMigrations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SchemaGate>();
        builder.Services.AddSingleton<MigrationRunner>();
        builder.Services.AddHostedService<MigrationService>();
        builder.Services.AddHealthChecks().AddCheck<SchemaGate>("schema");
        return builder;
    }
}
