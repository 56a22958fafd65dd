using System.Text;
using System.Text.RegularExpressions;

namespace Translation.Worker.Backup.MySql;

/// <summary>
/// Takes the <c>DEFINER=user@host</c> clauses out of a dump as it is replayed. mariadb-dump writes the account that
/// created each trigger (and view or routine); replayed elsewhere by another account, that clause needs the SUPER
/// or SET USER privilege and fails otherwise. Without it the restoring account defines them, as a migration would.
/// </summary>
public static partial class DumpDefiners
{
    /// <summary>Copies the dump's lines, without their definers, to <paramref name="output"/>.</summary>
    public static async Task CopyAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            await writer.WriteLineAsync(Strip(line).AsMemory(), cancellationToken);
        }
    }

    /// <summary>The line without definer clauses; rows (<c>INSERT</c> lines) pass untouched, whatever text they hold.</summary>
    public static string Strip(string line) =>
        line.StartsWith("INSERT ", StringComparison.Ordinal) || !line.Contains("DEFINER=", StringComparison.OrdinalIgnoreCase)
            ? line
            : Definer().Replace(line, "");

    // A quoted or bare account, @, a quoted or bare host.
    [GeneratedRegex(@"DEFINER\s*=\s*(`[^`]*`|'[^']*'|[^\s@*]+)@(`[^`]*`|'[^']*'|[^\s*]+)\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Definer();
}
