namespace AppHost;

/// <summary>Files that hold secrets: created with mode 0600 (never readable by others, not even for a moment) and replaced atomically.</summary>
public static class OwnerOnlyFile
{
    public static void Write(string path, string content)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var writer = new StreamWriter(temporary, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
