using Microsoft.AspNetCore.Http.HttpResults;
using Persistence.Contracts;

namespace Persistence.Api.Draining;

public static class DrainApi
{
    public static IHostApplicationBuilder AddReplicaDrain(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReplicaDrain>();
        builder.Services.AddHealthChecks().AddCheck<ReplicaDrain>("drain");
        return builder;
    }

    /// <summary>Counts the requests the replica serves (probes aside), so a drain can tell when none is left.</summary>
    public static IApplicationBuilder UseReplicaDrain(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<ReplicaDrain>();
        return app.Use(async (context, next) =>
        {
            // Probes and the drain's own reports are not traffic: counting them, a replica would never look idle.
            if (context.Request.IsHealthProbe() || context.Request.Path.StartsWithSegments(ReplicaRoutes.Drain))
            {
                await next(context);
                return;
            }

            drain.RequestStarted();
            try
            {
                await next(context);
            }
            finally
            {
                drain.RequestFinished();
            }
        });
    }

    /// <summary>
    /// <c>POST</c> starts draining, <c>DELETE</c> takes the replica back into rotation, <c>GET</c> reports. Outside
    /// <c>/api</c>, so no gateway route leads here: only the AppHost's dashboard command (with the internal credential).
    /// </summary>
    public static RouteGroupBuilder MapDrainApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(ReplicaRoutes.Drain).ExcludeFromDescription();
        group.MapGet("", (ReplicaDrain drain) => TypedResults.Ok(drain.Status()));
        group.MapPost("", Ok<DrainStatus> (ReplicaDrain drain) =>
        {
            drain.Start();
            return TypedResults.Ok(drain.Status());
        });
        group.MapDelete("", Ok<DrainStatus> (ReplicaDrain drain) =>
        {
            drain.Stop();
            return TypedResults.Ok(drain.Status());
        });
        return group;
    }
}
