using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Persistence.Api.Http;
using Persistence.Api.Ingest;
using Persistence.Api.OpenApi;
using Persistence.Contracts;
using Persistence.Contracts.Queries;

namespace Persistence.Api.Queries;

/// <summary>Sessions and tasks as the database holds them; see <see cref="ReadConsistency"/> for how current that is.</summary>
public static class QueryApi
{
    public static RouteGroupBuilder MapQueryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiRoutes.Translation.Prefix).WithTags("Queries").RequiresScope(Scopes.Read).AnswerUnavailableWhenDatabaseIsDown();
        api.MapGet("/sessions", ListSessionsAsync)
            .WithName("listSessions")
            .AcceptsQuery(ReadRequests.SessionListParameters)
            .WithSummary("List sessions")
            .WithDescription("Filtered and sorted; pages by page (with total) or by cursor (without, at the same cost at any depth).")
            .DocumentsInvalidQuery();
        api.MapGet("/sessions/{session_id}", GetSessionAsync)
            .WithName("getSession")
            .AcceptsQuery(ReadRequests.SingleReadParameters)
            .WithSummary("One session with its metadata and task statistics")
            .DocumentsInvalidQuery()
            .DocumentsNotFound();
        api.MapGet("/sessions/{session_id}/tasks", ListTasksAsync)
            .WithName("listSessionTasks")
            .AcceptsQuery(ReadRequests.TaskListParameters)
            .WithSummary("List the tasks of a session")
            .WithDescription("In task id order, paged by cursor.")
            .DocumentsInvalidQuery()
            .DocumentsNotFound();
        api.MapGet("/tasks/{task_id}", GetTaskAsync)
            .WithName("getTask")
            .AcceptsQuery(ReadRequests.SingleReadParameters)
            .WithSummary("One task with its texts and metadata")
            .DocumentsInvalidQuery()
            .DocumentsNotFound();
        return api;
    }

    public static async Task<Results<Ok<ResultPage<SessionSummary>>, ProblemHttpResult>> ListSessionsAsync(
        HttpContext context, SessionQueries sessions, ReadConsistency consistency, IOptions<QueryOptions> options, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (ReadRequests.ParseSessionList(context.Request.Query, options.Value, errors) is not { } request)
        {
            return Problems.InvalidQuery(errors);
        }

        var check = await consistency.PrepareAsync(context, request.Consistency, cancellationToken);
        return check.Problem is { } problem ? problem : TypedResults.Ok(await sessions.ListAsync(request, cancellationToken));
    }

    public static Task<Results<Ok<SessionDetail>, ProblemHttpResult>> GetSessionAsync(
        HttpContext context, [Microsoft.AspNetCore.Mvc.FromRoute(Name = "session_id")] string sessionId, SessionQueries sessions,
        ReadConsistency consistency, CancellationToken cancellationToken) =>
        ReadOneAsync(context, consistency, () => sessions.GetAsync(sessionId, cancellationToken), $"No session '{sessionId}'.", cancellationToken);

    public static async Task<Results<Ok<ResultPage<TaskSummary>>, ProblemHttpResult>> ListTasksAsync(
        HttpContext context, [Microsoft.AspNetCore.Mvc.FromRoute(Name = "session_id")] string sessionId, TaskQueries tasks,
        ReadConsistency consistency, IOptions<QueryOptions> options, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (ReadRequests.ParseTaskList(context.Request.Query, options.Value, errors) is not { } request)
        {
            return Problems.InvalidQuery(errors);
        }

        var check = await consistency.PrepareAsync(context, request.Consistency, cancellationToken);
        if (check.Problem is { } problem)
        {
            return problem;
        }

        return await tasks.ListAsync(sessionId, request, cancellationToken) is { } page
            ? TypedResults.Ok(page)
            : Problems.NotFound($"No session '{sessionId}'.");
    }

    public static Task<Results<Ok<TaskDetail>, ProblemHttpResult>> GetTaskAsync(
        HttpContext context, [Microsoft.AspNetCore.Mvc.FromRoute(Name = "task_id")] string taskId, TaskQueries tasks,
        ReadConsistency consistency, CancellationToken cancellationToken) =>
        ReadOneAsync(context, consistency, () => tasks.GetAsync(taskId, cancellationToken), $"No task '{taskId}'.", cancellationToken);

    /// <summary>One row by id: the read parameters, then the consistency asked for, then the row or a 404.</summary>
    private static async Task<Results<Ok<T>, ProblemHttpResult>> ReadOneAsync<T>(
        HttpContext context, ReadConsistency consistency, Func<Task<T?>> read, string notFound, CancellationToken cancellationToken)
        where T : class
    {
        var errors = new List<FieldError>();
        if (ReadRequests.ParseSingleRead(context.Request.Query, errors) is not { } level)
        {
            return Problems.InvalidQuery(errors);
        }

        var check = await consistency.PrepareAsync(context, level, cancellationToken);
        if (check.Problem is { } problem)
        {
            return problem;
        }

        return await read() is { } found ? TypedResults.Ok(found) : Problems.NotFound(notFound);
    }
}
