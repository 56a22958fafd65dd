namespace Persistence.Contracts;

/// <summary>The target languages translation runs in when none are configured.</summary>
public static class TranslationLanguages
{
    /// <summary>
    /// What the workers process (<c>Processing:Languages</c>) and so what the API accepts in a request
    /// (<c>Translations:TargetLanguages</c>) when unset: the two must agree, or a job would stay pending for ever.
    /// </summary>
    public static IReadOnlyList<string> Default { get; } = ["zh-CN", "fr", "de", "ja"];
}
