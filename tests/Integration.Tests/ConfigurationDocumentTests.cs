using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using AppHost;
using Microsoft.Extensions.Hosting;

namespace Integration.Tests;

/// <summary>
/// docs/configuration.md is the one list of settings: every key an options class of a service binds (its
/// <c>SectionName</c> and properties) appears there exactly once, nothing it lists is a key no service binds, and
/// every flag of the AppHost's command line is there too. Needs no stack.
/// </summary>
public sealed partial class ConfigurationDocumentTests
{
    private static readonly string Document = Path.Combine(BuildOutput.RepositoryRoot, "docs", "configuration.md");

    /// <summary>The services' assemblies, and the libraries whose options they bind.</summary>
    private static readonly Assembly[] Services =
    [
        typeof(global::Gateway.RateLimits.RateLimitOptions).Assembly,
        typeof(global::Persistence.Api.Ingest.IngestOptions).Assembly,
        typeof(global::Translation.Worker.Flushing.FlushOptions).Assembly,
        typeof(global::Persistence.Maintenance.GarbageCollection.RetentionOptions).Assembly,
        typeof(global::Persistence.Contracts.StreamLayoutOptions).Assembly,
        typeof(global::Persistence.Storage.StorageOptions).Assembly,
        typeof(InternalCallers).Assembly,
    ];

    /// <summary>Sections whose name is kept apart from the class that binds them.</summary>
    private static readonly (string Section, Type Options)[] SectionsKeptElsewhere =
    [
        (InternalCallers.SectionName, typeof(InternalAuthenticationOptions)),
    ];

    [Fact]
    public void Every_setting_a_service_binds_is_documented_once_and_every_documented_setting_is_bound()
    {
        var bound = BoundSettings().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var documented = DocumentedKeys("## Service settings");

        var missing = bound.Where(k => !documented.Contains(k, StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        var unknown = documented.Where(k => !bound.Contains(k)).Distinct().ToList();
        var twice = documented.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.True(missing.Count == 0, $"Bound by a service but not in docs/configuration.md (## Service settings): {string.Join(", ", missing)}");
        Assert.True(unknown.Count == 0, $"In docs/configuration.md (## Service settings) but bound by no options class: {string.Join(", ", unknown)}");
        Assert.True(twice.Count == 0, $"Documented more than once in docs/configuration.md: {string.Join(", ", twice)}");
    }

    [Fact]
    public void Every_flag_of_the_AppHost_command_line_is_documented_once_and_every_documented_flag_exists()
    {
        var source = File.ReadAllText(Path.Combine(BuildOutput.RepositoryRoot, "AppHost", "StackOptions.cs"));
        var flags = FlagCase().Matches(source).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(flags);
        var documented = DocumentedKeys("## AppHost command line").Select(k => k.Split(' ')[0]).ToList();

        var missing = flags.Where(f => !documented.Contains(f)).Order(StringComparer.Ordinal).ToList();
        var unknown = documented.Where(f => !flags.Contains(f)).ToList();
        var twice = documented.GroupBy(f => f).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.True(missing.Count == 0, $"AppHost flags not in docs/configuration.md (## AppHost command line): {string.Join(", ", missing)}");
        Assert.True(unknown.Count == 0, $"In docs/configuration.md (## AppHost command line) but not a flag of AppHost/StackOptions.cs: {string.Join(", ", unknown)}");
        Assert.True(twice.Count == 0, $"AppHost flags documented more than once: {string.Join(", ", twice)}");
    }

    /// <summary>Every key, as <c>Section:Property</c>, that the options classes bind; <c>&lt;id&gt;</c> stands for a dictionary's key.</summary>
    private static IEnumerable<string> BoundSettings()
    {
        foreach (var type in Services.SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is not { IsLiteral: true } field)
            {
                continue;
            }

            var section = (string)field.GetRawConstantValue()!;
            var options = SectionsKeptElsewhere.FirstOrDefault(s => s.Section == section).Options ?? type;
            var keys = Keys(section, options).ToList();
            // A section bound whole by a library (YARP's ReverseProxy) has no properties of ours: the section is the key.
            foreach (var key in keys.Count == 0 ? [section] : keys)
            {
                yield return key;
            }

            // Keys read before binding, to find a file that adds more settings.
            foreach (var constant in type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.Name.EndsWith("Key", StringComparison.Ordinal) && f.GetRawConstantValue() is string value && value.StartsWith(section + ":", StringComparison.Ordinal)))
            {
                yield return (string)constant.GetRawConstantValue()!;
            }
        }
    }

    private static IEnumerable<string> Keys(string prefix, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var bindable = property.SetMethod?.IsPublic == true
                || (property.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(property.PropertyType));
            if (!bindable || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>) && IsLeaf(propertyType.GetGenericArguments()[1]))
            {
                yield return $"{key}:<id>";
            }
            else if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                foreach (var nested in Keys($"{key}:<id>", propertyType.GetGenericArguments()[1]))
                {
                    yield return nested;
                }
            }
            else if (IsLeaf(propertyType))
            {
                yield return key;
            }
            else
            {
                foreach (var nested in Keys(key, propertyType))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>A value, or a list of values (documented as one key).</summary>
    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTimeOffset)
        || type == typeof(TimeSpan) || type == typeof(Uri) || type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>));

    /// <summary>The backticked first cell of every table row under <paramref name="heading"/>, up to the next heading of its level.</summary>
    private static List<string> DocumentedKeys(string heading)
    {
        var lines = File.ReadAllLines(Document);
        var start = Array.FindIndex(lines, l => l.Trim() == heading);
        Assert.True(start >= 0, $"docs/configuration.md has no '{heading}' heading.");
        return
        [
            .. lines.Skip(start + 1)
                .TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
                .Select(l => FirstCell().Match(l))
                .Where(m => m.Success)
                .Select(m => m.Groups[1].Value),
        ];
    }

    [GeneratedRegex(@"^\|\s*`([^`]+)`")]
    private static partial Regex FirstCell();

    [GeneratedRegex(@"case ""(--[a-z-]+)"":")]
    private static partial Regex FlagCase();
}
