using System.Diagnostics;

namespace AppHost.Hosting;

/// <summary>Finds the Redis and MariaDB servers, installing them from Debian's packages when it can.</summary>
public static class Prerequisites
{
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

    public static async Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        var missing = Servers.Where(s => TryFind(s.Program) is null).Select(s => s.Package).Distinct().ToList();
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
            await RunAsync("apt-get", "update", cancellationToken);
            await RunAsync("apt-get", $"install -y --no-install-recommends {packages}", cancellationToken);
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
