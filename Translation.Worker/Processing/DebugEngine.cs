using System.Globalization;
using System.Text;
using Persistence.Contracts;

namespace Translation.Worker.Processing;

/// <summary>
/// A deterministic stand-in for a real engine: <c>[fr] olleH</c> for "Hello" into French (reversed by text element,
/// so surrogate pairs and combining marks survive). A text starting with <see cref="FailurePrefix"/> always fails,
/// which lets tests and operators see the retry path without a network.
/// </summary>
public sealed class DebugEngine : ITranslationEngine
{
    public const string FailurePrefix = "debug:fail";

    public string Name => TranslationEngines.Debug;

    public string Producer => TranslationEngines.Debug;

    /// <summary>Bumped whenever <see cref="Translate"/> changes what it answers.</summary>
    public string Version => "1";

    public Task<IReadOnlyList<EngineOutcome>> TranslateAsync(EngineBatch batch, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EngineOutcome>>(
            [.. batch.Texts.Select(t => t.Text.StartsWith(FailurePrefix, StringComparison.Ordinal)
                ? EngineOutcome.Failure($"The debug engine refuses texts starting with '{FailurePrefix}'.")
                : EngineOutcome.Success(Translate(t.Text, batch.TargetLang)))]);

    public static string Translate(string text, string targetLang)
    {
        var elements = new List<string>();
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        var result = new StringBuilder(text.Length + targetLang.Length + 3).Append('[').Append(targetLang).Append("] ");
        for (var i = elements.Count - 1; i >= 0; i--)
        {
            result.Append(elements[i]);
        }

        return result.ToString();
    }
}
