using Aspire.Hosting.ApplicationModel;
using Persistence.Contracts;

namespace AppHost.Hosting;

/// <summary>
/// Operator actions as dashboard commands on the resources that own them: the worker's one-shot commands (run as
/// its own binary against the stack's database, exactly as an operator would from a shell), and the API's
/// pipeline actions (called on that replica with the gateway's internal credential).
/// </summary>
public static class OperatorCommands
{
    private const int MaxMessageLength = 2000;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public static IResourceBuilder<ProjectResource> WithWorkerCommands(
        this IResourceBuilder<ProjectResource> worker,
        IResourceBuilder<IResourceWithConnectionString> database,
        string backend,
        IResourceBuilder<IResourceWithConnectionString> redis,
        string backupDirectory)
    {
        // The command runs the worker's binary as the worker runs: against the same database, of the same kind.
        Dictionary<string, string> storage = backend == StorageBackends.MySql ? [] : new() { [ServiceSettings.StorageBackendVariable] = backend };
        var assembly = BuildOutput.AssemblyPath(worker.Resource.GetProjectMetadata().ProjectPath);
        return worker
            .WithCommand("backup", "Back up", async context =>
            {
                // A folder per run, named by its UTC start like the worker's scheduled backups, so they sort together.
                var target = Path.Combine(backupDirectory, DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
                var redisConnection = await redis.Resource.ConnectionStringExpression.GetValueAsync(context.CancellationToken);
                // By environment, not on the command line, where any local user could read the password.
                return await RunWorkerCommandAsync(
                    assembly, database.Resource, ["backup", "--to", target], context.CancellationToken,
                    new(storage) { [$"ConnectionStrings__{redis.Resource.Name}"] = redisConnection ?? "" });
            }, ReadOnly("Writes a backup of MySQL and the un-flushed Redis entries to the state folder's backups/.", "Save"))
            .WithCommand("migrate-status", "Migration status", context => RunWorkerCommandAsync(assembly, database.Resource, ["migrate", "--status"], context.CancellationToken, storage), ReadOnly("Lists applied and pending migrations; changes nothing.", "DatabaseSearch"))
            .WithCommand("gc-dry-run", "GC dry run", context => RunWorkerCommandAsync(assembly, database.Resource, ["gc", "--dry-run"], context.CancellationToken, storage), ReadOnly("Counts what garbage collection would delete.", "DeleteDismiss"))
            .WithCommand("gc", "Collect garbage", context => RunWorkerCommandAsync(assembly, database.Resource, ["gc"], context.CancellationToken, storage), new CommandOptions
            {
                Description = "Deletes completed sessions older than the retention, with their tasks.",
                IconName = "Delete",
                ConfirmationMessage = "Delete completed sessions and tasks older than the retention?",
                UpdateState = WhenRunning,
            });
    }

    public static IResourceBuilder<ProjectResource> WithApiCommands(this IResourceBuilder<ProjectResource> api, IResourceBuilder<ParameterResource> internalCredential)
    {
        var endpoint = api.GetEndpoint("http");
        return api
            .WithCommand("flush", "Flush", context => PostAsync(endpoint, ApiRoutes.Persistence.Flush, internalCredential.Resource, context.CancellationToken), new CommandOptions
            {
                Description = "Waits until everything accepted so far is in MySQL.",
                IconName = "ArrowSync",
                UpdateState = WhenRunning,
            })
            .WithCommand("drain", "Drain", context => SendAsync(HttpMethod.Post, endpoint, ReplicaRoutes.Drain, internalCredential.Resource, context.CancellationToken), new CommandOptions
            {
                Description = "Takes this replica out of the gateway's rotation (its health turns unready) before a stop; it still serves what reaches it.",
                IconName = "ArrowExit",
                UpdateState = WhenRunning,
            })
            .WithCommand("undrain", "Back in rotation", context => SendAsync(HttpMethod.Delete, endpoint, ReplicaRoutes.Drain, internalCredential.Resource, context.CancellationToken), new CommandOptions
            {
                Description = "Ends a drain: the replica reports ready again and the gateway chooses it at its next probe.",
                IconName = "ArrowEnter",
                UpdateState = WhenRunning,
            })
            .WithCommand("replay-dead-letters", "Replay dead letters", context => PostAsync(endpoint, ApiRoutes.Persistence.DeadLettersReplayAll, internalCredential.Resource, context.CancellationToken), new CommandOptions
            {
                Description = "Appends every dead-lettered entry to its stream again.",
                IconName = "ArrowReply",
                ConfirmationMessage = "Replay every dead-lettered entry?",
                UpdateState = WhenRunning,
            });
    }

    private static CommandOptions ReadOnly(string description, string icon) => new() { Description = description, IconName = icon, UpdateState = WhenRunning };

    private static ResourceCommandState WhenRunning(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task<ExecuteCommandResult> RunWorkerCommandAsync(
        string assembly, IResourceWithConnectionString database, string[] arguments, CancellationToken cancellationToken, Dictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>(settings ?? [])
        {
            [$"ConnectionStrings__{database.Name}"] = await database.ConnectionStringExpression.GetValueAsync(cancellationToken) ?? "",
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        var (exitCode, output, error) = await ChildProcess.RunAsync(
            BuildOutput.DotnetHost, [assembly, .. arguments], environment, Path.GetDirectoryName(assembly), cancellationToken);
        var text = Shorten($"{output}{error}".Trim());
        return exitCode == 0 ? CommandResults.Success(text) : CommandResults.Failure($"exit code {exitCode}: {text}");
    }

    private static Task<ExecuteCommandResult> PostAsync(EndpointReference endpoint, string path, ParameterResource credential, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, endpoint, path, credential, cancellationToken);

    private static async Task<ExecuteCommandResult> SendAsync(HttpMethod method, EndpointReference endpoint, string path, ParameterResource credential, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(new Uri(endpoint.Url), path));
        request.Headers.TryAddWithoutValidation("X-Internal-Credential", await credential.GetValueAsync(cancellationToken));
        try
        {
            using var response = await Http.SendAsync(request, cancellationToken);
            var body = Shorten(await response.Content.ReadAsStringAsync(cancellationToken));
            return response.IsSuccessStatusCode
                ? CommandResults.Success($"{(int)response.StatusCode}: {body}")
                : CommandResults.Failure($"{(int)response.StatusCode}: {body}");
        }
        catch (HttpRequestException ex)
        {
            return CommandResults.Failure(ex.Message);
        }
    }

    private static string Shorten(string text) => text.Length <= MaxMessageLength ? text : text[..MaxMessageLength] + " …";
}
