namespace AppHost;

/// <summary>
/// The workers' settings file in the state folder, watched while they run: an operator changes
/// <c>Processing:Engine</c> there (<c>{"Processing": {"Engine": "openai"}}</c>) and the next claims use it, no restart.
/// The file is read after the environment, so what it says wins over <c>--worker-setting</c>: it is the switch.
/// </summary>
public static class WorkerSettings
{
    public static string FilePath(string stateDirectory) => Path.Combine(stateDirectory, "worker", "settings.json");

    /// <summary>The file's path, its folder made, so that the workers watch the folder from the start.</summary>
    public static string Prepare(string stateDirectory)
    {
        var path = FilePath(stateDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
