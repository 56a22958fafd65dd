using System.Reflection;

namespace AppHost;

/// <summary>Where the repository and the service projects' build output are, as recorded when AppHost was built.</summary>
public static class BuildOutput
{
    private static readonly Assembly Self = typeof(BuildOutput).Assembly;

    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string Configuration { get; } = Metadata("Configuration");

    /// <summary>The dotnet host that runs us (the SDK sets DOTNET_HOST_PATH under dotnet run and dotnet test).</summary>
    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    /// <summary>The built assembly of a service project, for its operator commands (AppHost's build builds it first).</summary>
    public static string AssemblyPath(string projectPath)
    {
        var name = Path.GetFileNameWithoutExtension(projectPath);
        var path = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", Configuration, "net10.0", name + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{name} is not built ({path}). Run `dotnet build` first.", path);
    }

    private static string Metadata(string key) =>
        Self.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"AppHost was built without the {key} metadata.");
}
