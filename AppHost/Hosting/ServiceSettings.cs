using Aspire.Hosting.ApplicationModel;
using Persistence.Contracts;

namespace AppHost.Hosting;

/// <summary>Settings a service gets from AppHost's command line.</summary>
public static class ServiceSettings
{
    /// <summary>Extra settings from the command line (<c>--api-setting Section__Key=value</c> and its twins).</summary>
    public static IResourceBuilder<ProjectResource> WithSettings(this IResourceBuilder<ProjectResource> project, IReadOnlyDictionary<string, string> settings)
    {
        foreach (var (key, value) in settings)
        {
            project.WithEnvironment(key, value);
        }

        return project;
    }

    /// <summary>
    /// Which database the service's connection string leads to (<see cref="StorageBackends"/>). Left unset for MySQL,
    /// the services' default, so the default stack's settings stay as they were.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithStorageBackend(this IResourceBuilder<ProjectResource> project, string backend) =>
        backend == StorageBackends.MySql ? project : project.WithEnvironment(StorageBackendVariable, backend);

    /// <summary><see cref="StorageBackends.SettingKey"/> as an environment variable.</summary>
    internal static string StorageBackendVariable => StorageBackends.SettingKey.Replace(":", "__", StringComparison.Ordinal);
}
