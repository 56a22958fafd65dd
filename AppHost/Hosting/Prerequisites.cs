using System.Diagnostics;

namespace AppHost.Hosting;

/// <summary>
/// Finds the programs the stack needs (the Redis server, and MariaDB's or PostgreSQL's) and those the tests need (Chromium, Prometheus),
/// installing what is missing from Debian's packages when it runs as root; otherwise it stops with the one install
/// line to run.
/// </summary>
public static class Prerequisites
{
    /// <summary>One install at a time in this process: apt-get holds a lock and refuses a second one.</summary>
    private static readonly SemaphoreSlim Installing = new(1, 1);

    /// <summary>Debian keeps PostgreSQL's programs out of PATH, in a folder per major version.</summary>
    private const string PostgreSqlPrograms = "/usr/lib/postgresql/15/bin";

    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/usr/local/sbin", "/sbin", PostgreSqlPrograms];

    private static readonly (string Program, string Package)[] Redis =
    [
        ("redis-server", "redis-server"),
        // Forms the Redis Cluster (--redis-cluster); Debian's redis-server depends on it anyway.
        ("redis-cli", "redis-tools"),
    ];

    private static readonly (string Program, string Package)[] MariaDb =
    [
        ("mariadbd", "mariadb-server"),
        ("mariadb-install-db", "mariadb-server"),
        // The binary-log archiver (point-in-time recovery); mariadb-server depends on the client package anyway.
        ("mariadb-binlog", "mariadb-client"),
    ];

    private static readonly (string Program, string Package)[] PostgreSql =
    [
        ("postgres", "postgresql-15"),
        ("initdb", "postgresql-15"),
        // Starts the server as the postgres account when AppHost runs as root (PostgresAccount); Debian always has it.
        ("setpriv", "util-linux"),
    ];

    /// <summary>The Redis server and the database server (<see cref="StackOptions.Database"/>) the AppHost runs.</summary>
    public static Task EnsureInstalledAsync(StackOptions stack, CancellationToken cancellationToken) =>
        EnsureInstalledAsync([.. Redis, .. stack.IsPostgreSql ? PostgreSql : MariaDb], cancellationToken);

    /// <summary>Each program by its path, installing the packages of those missing first.</summary>
    public static async Task<IReadOnlyList<string>> EnsureInstalledAsync(
        IReadOnlyList<(string Program, string Package)> needed, CancellationToken cancellationToken)
    {
        await Installing.WaitAsync(cancellationToken);
        try
        {
            await InstallMissingAsync(needed, cancellationToken);
        }
        finally
        {
            Installing.Release();
        }

        return [.. needed.Select(n => Find(n.Program))];
    }

    /// <summary>The packages holding the programs not found, each once.</summary>
    public static IReadOnlyList<string> MissingPackages(IReadOnlyList<(string Program, string Package)> needed) =>
        [.. needed.Where(n => TryFind(n.Program) is null).Select(n => n.Package).Distinct()];

    private static async Task InstallMissingAsync(IReadOnlyList<(string Program, string Package)> needed, CancellationToken cancellationToken)
    {
        var missing = MissingPackages(needed);
        if (missing.Count == 0)
        {
            return;
        }

        var packages = string.Join(' ', missing);
        if (System.Environment.UserName != "root" || TryFind("apt-get") is null)
        {
            throw new InvalidOperationException($"Missing {packages}. Install with: sudo apt-get install -y {packages}");
        }

        Console.WriteLine($"Installing {packages} with apt-get …");
        // Debian would start the packaged services on install; we run our own instances instead.
        const string policy = "/usr/sbin/policy-rc.d";
        var addedPolicy = !File.Exists(policy);
        if (addedPolicy)
        {
            await File.WriteAllTextAsync(policy, "#!/bin/sh\nexit 101\n", cancellationToken);
            File.SetUnixFileMode(policy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        try
        {
            // Another apt-get (a second test run, an operator) may hold the lock for a while: wait for it.
            await RunAsync("apt-get", "-o DPkg::Lock::Timeout=600 update", cancellationToken);
            await RunAsync("apt-get", $"-o DPkg::Lock::Timeout=600 install -y --no-install-recommends {packages}", cancellationToken);
        }
        finally
        {
            if (addedPolicy)
            {
                File.Delete(policy);
            }
        }
    }

    public static string Find(string program) =>
        TryFind(program) ?? throw new FileNotFoundException($"{program} is not installed.");

    private static string? TryFind(string program)
    {
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(ExtraDirectories)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }

    private static async Task RunAsync(string program, string arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(Find(program), arguments) { UseShellExecute = false };
        startInfo.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} failed with code {process.ExitCode}.");
        }
    }
}
