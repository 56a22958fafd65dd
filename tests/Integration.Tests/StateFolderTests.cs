using AppHost;
using AppHost.Hosting;

namespace Integration.Tests;

/// <summary>What the AppHost keeps in the state folder is readable by its owner only.</summary>
[Collection(StackDefinition.Name)]
public sealed class StateFolderTests(StackFixture stack)
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void The_state_folder_is_owner_only_and_so_is_every_secret_and_log_file_in_it()
    {
        var state = stack.StateDirectory;
        // The gateway's key file holds salts and hashes, never a key, and operators (and the key tests) edit it in
        // place; it is not among the secrets.
        string[] files =
        [
            Path.Combine(state, StateSecrets.FileName),
            StackStatus.FilePath(state),
            Path.Combine(state, "redis", "redis.conf"),
            .. Directory.GetFiles(ResourceLogFiles.LogDirectory(state), "*.log"),
        ];

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(state));
        Assert.True(files.Length > 7, $"Only {files.Length} files in {state}.");
        Assert.All(files, file => Assert.True(File.GetUnixFileMode(file) == OwnerReadWrite, $"{file} is {File.GetUnixFileMode(file)}"));
    }

    [Fact]
    public void A_secret_file_is_replaced_by_an_owner_only_one_whatever_the_mode_of_the_old_one()
    {
        var path = Path.Combine(Path.GetTempPath(), "owner-only-" + Guid.NewGuid().ToString("N"));
        try
        {
            OwnerOnlyFile.Write(path, "first");
            // A file left by an older version with wider permissions is replaced, not written into.
            File.SetUnixFileMode(path, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            OwnerOnlyFile.Write(path, "second");

            Assert.Equal("second", File.ReadAllText(path));
            Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(path));
            Assert.False(File.Exists(path + ".tmp"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
