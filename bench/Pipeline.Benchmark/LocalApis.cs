using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Persistence.Contracts;

namespace Pipeline.Benchmark;

/// <summary>
/// The two APIs the pipeline is compared with, hosted in the benchmark process on 127.0.0.1 and a free port: one that
/// reads the body and answers 202 (what Kestrel alone can do), and the naive design that writes each batch to MySQL
/// inside the request (task batches alone, or the lifecycle's sessions and tasks).
/// </summary>
public sealed class LocalApi(WebApplication app) : IAsyncDisposable
{
    public const string SessionsPath = "/api/v1/persistence/sessions/batch";

    public Uri BaseAddress { get; } = new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static Task<LocalApi> StartNoOpAsync() => StartAsync(null, async context =>
    {
        // Read every byte, as the real API must before it can validate, then drop them.
        var buffer = new byte[16 * 1024];
        while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
        {
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
    });

    /// <summary>Parses the batch and upserts it into <paramref name="table"/> before answering: no queue, no worker.</summary>
    public static Task<LocalApi> StartNaiveAsync(string connectionString, string table) => StartAsync(
        services => services.AddSingleton(new MySqlDataSource(connectionString)),
        async context =>
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var rows = new List<TaskRow>();
            foreach (var task in document.RootElement.GetProperty("tasks").EnumerateArray())
            {
                var updatedAt = task.GetProperty("updated_at").GetDateTime().ToUniversalTime();
                rows.Add(Payloads.Row(task.GetProperty("task_id").GetString()!, updatedAt) with
                {
                    SessionId = task.GetProperty("session_id").GetString()!,
                    CreatedAt = task.GetProperty("created_at").GetDateTime().ToUniversalTime(),
                });
            }

            await using var connection = await context.RequestServices.GetRequiredService<MySqlDataSource>().OpenConnectionAsync(context.RequestAborted);
            await Upsert.WriteAsync(connection, table, rows, context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        });

    /// <summary>
    /// The naive design for the lifecycle: each batch of sessions or tasks is parsed and written with the worker's guarded
    /// upsert inside its request, every state it receives (a direct writer has no backlog to keep only the newest of).
    /// </summary>
    public static Task<LocalApi> StartNaiveLifecycleAsync(string connectionString, string tasksTable, string sessionsTable)
    {
        var tasks = Lifecycle.LifecycleTables.Tasks(tasksTable);
        var sessions = Lifecycle.LifecycleTables.Sessions(sessionsTable);
        RequestDelegate writeTasks = async context =>
        {
            var batch = await JsonSerializer.DeserializeAsync(context.Request.Body, PersistenceJsonContext.Default.TaskBatch, context.RequestAborted);
            await using var connection = await context.RequestServices.GetRequiredService<MySqlDataSource>().OpenConnectionAsync(context.RequestAborted);
            await tasks.WriteAsync(connection, [.. batch!.Tasks!.Select(t => t!)], context.RequestAborted);
            await Accepted(context, batch.Tasks!.Count);
        };
        RequestDelegate writeSessions = async context =>
        {
            var batch = await JsonSerializer.DeserializeAsync(context.Request.Body, PersistenceJsonContext.Default.SessionBatch, context.RequestAborted);
            await using var connection = await context.RequestServices.GetRequiredService<MySqlDataSource>().OpenConnectionAsync(context.RequestAborted);
            await sessions.WriteAsync(connection, [.. batch!.Sessions!.Select(s => s!)], context.RequestAborted);
            await Accepted(context, batch.Sessions!.Count);
        };
        return StartAsync(services => services.AddSingleton(new MySqlDataSource(connectionString)), (Target.TasksPath, writeTasks), (SessionsPath, writeSessions));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    // The SDK reads the 202's body as the API's AcceptedBatch.
    private static Task Accepted(HttpContext context, int count)
    {
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(FormattableString.Invariant($"{{\"status\":\"accepted\",\"count\":{count}}}"), context.RequestAborted);
    }

    private static Task<LocalApi> StartAsync(Action<IServiceCollection>? configure, RequestDelegate handler) =>
        StartAsync(configure, (Target.TasksPath, handler));

    private static async Task<LocalApi> StartAsync(Action<IServiceCollection>? configure, params (string Path, RequestDelegate Handler)[] routes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        foreach (var (path, handler) in routes)
        {
            app.MapPost(path, handler);
        }

        await app.StartAsync();
        return new LocalApi(app);
    }
}
