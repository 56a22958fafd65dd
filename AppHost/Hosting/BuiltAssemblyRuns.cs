using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>How the local stack starts its service projects.</summary>
public static class BuiltAssemblyRuns
{
    /// <summary>A folder to run the service assemblies from instead of their projects' build output (coverage).</summary>
    public const string ServiceAssembliesVariable = "STACK_SERVICE_ASSEMBLIES";

    /// <summary>
    /// Runs the project's built assembly as <c>dotnet Project.dll</c> instead of the orchestrator's default
    /// <c>dotnet run --project</c>, which evaluates the project with MSBuild at every start: measured on two cores, the
    /// stack took 13.5 s to be ready that way and under 5 s this way, and a crashed process is back sooner. The pid the
    /// orchestrator reports is then the service itself, not a wrapper. <paramref name="niceness"/> above 0 starts it
    /// through <c>nice</c>, which execs it: every thread it ever starts has the lower priority.
    /// </summary>
    public static IResourceBuilder<ProjectResource> RunsBuiltAssembly(this IResourceBuilder<ProjectResource> project, int niceness = 0)
    {
        if (!project.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return project;
        }

        var built = BuildOutput.AssemblyPath(project.Resource.GetProjectMetadata().ProjectPath);
        // Coverage runs point this at the integration tests' output, whose copies of the service assemblies the
        // coverage collector instruments; the working directory (settings, content root) stays the project's own.
        var assembly = Environment.GetEnvironmentVariable(ServiceAssembliesVariable) is { Length: > 0 } directory
            ? Path.Combine(directory, Path.GetFileName(built))
            : built;
        var lowered = niceness > 0;
        project.WithAnnotation(
            new ExecutableAnnotation { Command = lowered ? Prerequisites.Find("nice") : BuildOutput.DotnetHost, WorkingDirectory = Path.GetDirectoryName(built)! },
            ResourceAnnotationMutationBehavior.Replace);
        return project.WithArgs(context =>
        {
            if (lowered)
            {
                context.Args.Add("-n");
                context.Args.Add(niceness.ToString(CultureInfo.InvariantCulture));
                context.Args.Add(BuildOutput.DotnetHost);
            }

            context.Args.Add(assembly);
        });
    }
}
