using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>A local process's own folder in the state folder: the process runs in it and keeps its files there.</summary>
internal static class ProcessFolder
{
    /// <summary>Created as the model is built, so it exists before the orchestrator starts the process in it.</summary>
    public static IResourceBuilder<T> RunsIn<T>(this IResourceBuilder<T> resource, string directory)
        where T : ExecutableResource
    {
        Directory.CreateDirectory(directory);
        return resource.WithWorkingDirectory(directory);
    }
}
