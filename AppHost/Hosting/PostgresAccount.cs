using System.Globalization;
using System.Runtime.InteropServices;

namespace AppHost.Hosting;

/// <summary>
/// PostgreSQL refuses to run as root, and CI runs AppHost as root: then initdb and the server run as the
/// <c>postgres</c> account Debian's package creates, and own their folders. Run as anyone else, they run as that user.
/// </summary>
internal static partial class PostgresAccount
{
    public const string Name = "postgres";

    public static bool IsUsed => Environment.IsPrivilegedProcess;

    /// <summary>
    /// What starts a PostgreSQL program as the account: <c>setpriv</c>, which execs it. Not <c>runuser</c>: that forks,
    /// so the orchestrator's pid would be runuser's, and it answers SIGTERM with SIGTERM then SIGKILL 2 s later, and
    /// ignores SIGINT (measured): the server would be killed in the middle of its shutdown checkpoint.
    /// </summary>
    public static IReadOnlyList<string> Launcher(string program) => IsUsed
        ? [Prerequisites.Find("setpriv"), $"--reuid={Name}", $"--regid={Name}", "--init-groups", "--", program]
        : [program];

    /// <summary>Gives <paramref name="path"/> to the account (nothing to do when it is not used), owner-only.</summary>
    public static void Own(string path, bool directory)
    {
        File.SetUnixFileMode(path, directory
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (IsUsed)
        {
            var (uid, gid) = Ids();
            Change(path, uid, gid);
        }
    }

    /// <summary>
    /// Lets the account pass through <paramref name="directory"/> (the state folder, owner-only when the stack made
    /// it) to the server's own folder: its group becomes the account's, with search but not read permission, so the
    /// account can reach its folder by name without listing anything. The folders above must let it through already.
    /// </summary>
    public static void AllowThrough(string directory)
    {
        if (!IsUsed)
        {
            return;
        }

        var (_, gid) = Ids();
        var info = new DirectoryInfo(directory);
        if (!info.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
        {
            Change(directory, -1, gid);
            File.SetUnixFileMode(directory, info.UnixFileMode | UnixFileMode.GroupExecute);
        }

        for (var parent = info.Parent; parent is not null; parent = parent.Parent)
        {
            if (!parent.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                throw new InvalidOperationException(
                    $"PostgreSQL runs as the {Name} account, which cannot pass through {parent.FullName} to its data in {directory}: "
                    + "choose a --state-dir whose parent folders others may enter (o+x).");
            }
        }
    }

    private static (int Uid, int Gid) Ids()
    {
        // Debian's package adds a system account to /etc/passwd; no directory service is involved.
        var entry = File.ReadLines("/etc/passwd").Select(line => line.Split(':')).FirstOrDefault(fields => fields.Length > 3 && fields[0] == Name)
            ?? throw new InvalidOperationException($"There is no {Name} account; installing postgresql-15 creates it.");
        return (int.Parse(entry[2], CultureInfo.InvariantCulture), int.Parse(entry[3], CultureInfo.InvariantCulture));
    }

    private static void Change(string path, int uid, int gid)
    {
        if (NativeMethods.Chown(path, uid, gid) != 0)
        {
            throw new IOException($"chown {path} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Chown(string path, int owner, int group);
    }
}
