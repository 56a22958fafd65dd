using System.Diagnostics;

namespace AppHost.Hosting;

/// <summary>
/// Finds the programs the stack needs (the Redis and MariaDB servers) and those the tests need (Chromium, Prometheus),
/// installing what is missing from Debian's packages when it runs as root; otherwise it stops with the one install
/// line to run.
/// </summary>
public static class Prerequisites
{
    /// <summary>One install at a time in this process: apt-get holds a lock and refuses a second one.</summary>
    private static readonly SemaphoreSlim Installing = new(1, 1);

    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/usr/local/sbin", "/sbin"];

    private static readonly (string Program, string Package)[] Servers =
    [
        ("redis-server", "redis-server"),
        // Forms the Redis Cluster (--redis-cluster); Debian's redis-server depends on it anyway.
        ("redis-cli", "redis-tools"),
        ("mariadbd", "mariadb-server"),
        ("mariadb-install-db", "mariadb-server"),
        // The binary-log archiver (point-in-time recovery); mariadb-server depends on the client package anyway.
        ("mariadb-binlog", "mariadb-client"),
    ];

    /// <summary>The Redis and MariaDB servers the AppHost runs.</summary>
    public static Task EnsureInstalledAsync(CancellationToken cancellationToken) =>
        EnsureInstalledAsync(Servers, cancellationToken);

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
