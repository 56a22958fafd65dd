using Aspire.Hosting.ApplicationModel;

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
}
