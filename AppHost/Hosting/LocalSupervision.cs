using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Hosting;

/// <summary>What the local stack adds to the orchestrator, which leaves logs in memory and crashed processes down.</summary>
public static class LocalSupervision
{
    /// <summary>
    /// Log files, resources.json and the table, a shutdown that drains the services before the data stores stop, and
    /// restarts of crashed processes.
    /// </summary>
    public static IDistributedApplicationBuilder AddLocalSupervision(this IDistributedApplicationBuilder builder, StackOptions stack, StackParameters parameters)
    {
        builder.Services.AddSingleton(stack);
        builder.Services.AddSingleton(parameters);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<ResourceLogFiles>();
        builder.Services.AddHostedService<StackStatus>();
        builder.Services.AddHostedService<OrderedShutdown>();
        if (stack.RestartOnCrash)
        {
            builder.Services.AddHostedService<Supervisor>();
        }

        return builder;
    }
}
