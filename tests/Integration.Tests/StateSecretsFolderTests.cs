using AppHost;

namespace Integration.Tests;

/// <summary>
/// What the stack does to the folder given as its state folder: it creates a missing one owner-only, and leaves the
/// mode of one that already exists (a home or a shared folder) as the operator set it. No stack is needed.
/// </summary>
public sealed class StateSecretsFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("state-folder-").FullName;

    [Fact]
    public void A_missing_state_folder_is_created_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var state = Path.Combine(_root, "new");

        StateSecrets.LoadOrCreate(state);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(state));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(state, StateSecrets.FileName)));
    }

    [Fact]
    public void An_existing_folder_keeps_its_mode_and_only_the_secrets_file_is_made_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var shared = Path.Combine(_root, "shared");
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(shared, mode);
        File.SetUnixFileMode(shared, mode);

        StateSecrets.LoadOrCreate(shared);

        Assert.Equal(mode, File.GetUnixFileMode(shared));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(shared, StateSecrets.FileName)));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
