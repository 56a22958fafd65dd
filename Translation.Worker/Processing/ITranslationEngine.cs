namespace Translation.Worker.Processing;

/// <summary>Translates texts of one language pair. One outcome per text, in order; a failure may be per text.</summary>
public interface ITranslationEngine
{
    string Name { get; }

    /// <summary>
    /// Who produces the translations, as remembered with them: the engine and, for a model-backed one, its model.
    /// Only translations of the configured producer are reused.
    /// </summary>
    string Producer { get; }

    /// <summary>Stored with each job it answers: for a model-backed engine its model, else the engine's own version.</summary>
    string Version { get; }

    Task<IReadOnlyList<EngineOutcome>> TranslateAsync(EngineBatch batch, CancellationToken cancellationToken);
}

/// <summary>What a job records about the engine it was claimed for.</summary>
public sealed record EngineIdentity(string Name, string Version, string Producer)
{
    public static EngineIdentity Of(ITranslationEngine engine) => new(engine.Name, engine.Version, engine.Producer);
}

/// <param name="Context">The request's context as canonical JSON, or null.</param>
public sealed record EngineText(string Text, string? Context);

public sealed record EngineBatch(string SourceLang, string TargetLang, IReadOnlyList<EngineText> Texts);

public sealed record EngineOutcome(string? Text, string? Error)
{
    public static EngineOutcome Success(string text) => new(text, null);

    public static EngineOutcome Failure(string error) => new(null, error);
}
