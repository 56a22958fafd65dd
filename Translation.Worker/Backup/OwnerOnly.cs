namespace Translation.Worker.Backup;

/// <summary>
/// Backups hold every row and every queued record, so they are made readable by their owner only (folders 0700,
/// files 0600) whatever the process's umask: created so, never widened afterwards. On Windows the folder's
/// inherited ACL applies.
/// </summary>
public static class OwnerOnly
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder (and missing parents) owner-only; a folder that already exists is made owner-only.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (Directory.Exists(path))
        {
            File.SetUnixFileMode(path, FolderMode);
            return;
        }

        Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>A new file, or an existing one emptied, open for writing and readable by its owner only.</summary>
    public static FileStream Create(string path)
    {
        var options = new FileStreamOptions { Mode = System.IO.FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode applies only when the file is new.
            File.SetUnixFileMode(stream.SafeFileHandle, FileMode);
        }

        return stream;
    }
}
