using Microsoft.AspNetCore.Http.HttpResults;
using Persistence.Api.Http;
using Persistence.Api.OpenApi;
using Persistence.Api.Queries;
using Persistence.Contracts;
using Persistence.Contracts.GarbageCollection;
using Persistence.Maintenance.GarbageCollection;

namespace Persistence.Api.GarbageCollection;

/// <summary>
/// The worker's garbage collection on demand, the same code and lock: 409 while another run (a worker's schedule,
/// another admin call) holds it. The gateway restricts <c>/api/v1/admin</c> to admin callers.
/// </summary>
public static class GarbageCollectionApi
{
    public static RouteGroupBuilder MapGarbageCollectionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiRoutes.Admin.Prefix).WithTags("Admin").RequiresScope(Scopes.Admin).AnswerUnavailableWhenDatabaseIsDown();
        api.MapPost("/gc", CollectAsync)
            .WithName("collectGarbage")
            .AcceptsQuery(QueryParameters.DryRun)
            .WithSummary("Run garbage collection now")
            .WithDescription("The workers' garbage collection, with the same code and lock: 409 while another run holds it.")
            .DocumentsInvalidQuery()
            .DocumentsConflict();
        return api;
    }

    public static async Task<Results<Ok<GarbageCollectionResult>, ProblemHttpResult>> CollectAsync(
        QueryReader query, GarbageCollector collector, ILogger<GarbageCollector> logger, CancellationToken cancellationToken)
    {
        var dry = query.Flag(QueryParameters.DryRun);
        if (!query.IsValid)
        {
            return Problems.InvalidQuery(query.Errors);
        }

        var report = await collector.RunAsync(dry, cancellationToken);
        if (!report.Completed)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Garbage collection running",
                detail: "Another garbage collection holds the lock; try again when it has finished.");
        }

        Log.GarbageCollected(logger, dry ? "dry run" : "delete", report.Sessions, report.Tasks, report.Duration.TotalMilliseconds);
        return TypedResults.Ok(new GarbageCollectionResult(
            dry, new DateTimeOffset(DateTime.SpecifyKind(report.Cutoff, DateTimeKind.Utc)), report.Sessions, report.Tasks, report.Batches,
            (long)report.Duration.TotalMilliseconds,
            report.JobEvents));
    }
}
