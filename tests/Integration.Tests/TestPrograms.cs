using AppHost.Hosting;

namespace Integration.Tests;

/// <summary>
/// Programs some tests drive besides the stack, found or installed the way the AppHost finds or installs Redis and
/// MariaDB (<see cref="Prerequisites"/>): from Debian's packages with apt-get when running as root, otherwise the test
/// stops with the one install line. So <c>dotnet test Aspire.sln</c> alone passes on a fresh machine.
/// </summary>
internal static class TestPrograms
{
    /// <summary>Debian's Chromium, which Playwright drives: a browser is never downloaded.</summary>
    public static Task<string> ChromiumAsync() => FindAsync("chromium", "chromium");

    /// <summary>The real Prometheus server, to scrape the stack with the configuration the AppHost writes.</summary>
    public static Task<string> PrometheusAsync() => FindAsync("prometheus", "prometheus");

    /// <summary>
    /// The Python interpreter the Python client's suite runs on, with pip, setuptools and wheel (Debian's python3-pip
    /// depends on both) for its wheel-building test.
    /// </summary>
    public static async Task<string> PythonAsync() =>
        (await Prerequisites.EnsureInstalledAsync([("python3", "python3"), ("pip3", "python3-pip")], CancellationToken.None))[0];

    private static async Task<string> FindAsync(string program, string package) =>
        (await Prerequisites.EnsureInstalledAsync([(program, package)], CancellationToken.None))[0];
}
