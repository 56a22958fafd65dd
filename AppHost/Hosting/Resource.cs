namespace AppHost.Hosting;

/// <summary>
/// One process of the local topology. Resources start once everything they wait for is ready, and count as started
/// only when their own readiness probe answers.
/// </summary>
public abstract class Resource(string name, string kind)
{
    public string Name { get; } = name;

    public string Kind { get; } = kind;

    public List<Resource> WaitFor { get; } = [];

    public ManagedProcess? Process { get; protected set; }

    /// <summary>
    /// CPU niceness added to AppHost's own for this process (0 none; the kernel caps the sum at 19; Linux only). Work
    /// that a buffer absorbs runs below work a caller waits for, so it takes the cores only when no request needs them.
    /// </summary>
    public int Niceness { get; init; }

    /// <summary>How long a stop request waits before it kills.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(15);

    public abstract IReadOnlyDictionary<string, string> Endpoints { get; }

    /// <summary>Starts the process and returns once it is ready to serve.</summary>
    public abstract Task StartAsync(StackContext context, CancellationToken cancellationToken);

    public virtual async Task StopAsync()
    {
        if (Process is { } process)
        {
            await process.StopAsync(StopGracePeriod);
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it succeeds, failing early if the process died.</summary>
    protected async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (Process is { HasExited: true } exited)
            {
                throw new InvalidOperationException($"{Name} exited with code {exited.ExitCode} before it was ready; see its log.");
            }

            try
            {
                if (await probe(deadline.Token))
                {
                    return;
                }
            }
            catch (Exception) when (!deadline.IsCancellationRequested)
            {
                // Not up yet.
            }

            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds:F0} s; see its log.");
            }
        }
    }
}

/// <summary>A resource other processes reach through <c>ConnectionStrings__{ConnectionName}</c>.</summary>
public interface IResourceWithConnectionString
{
    string ConnectionName { get; }

    string ConnectionString { get; }
}

/// <summary>Where state and logs live for this run.</summary>
public sealed record StackContext(string StateDirectory, bool EchoLogs)
{
    public string LogDirectory => Path.Combine(StateDirectory, "logs");
}
