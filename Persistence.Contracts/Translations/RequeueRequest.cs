namespace Persistence.Contracts.Translations;

/// <summary>The optional body of a job's re-queue.</summary>
/// <param name="Engine">The engine to translate it on (<c>debug</c>, <c>openai</c>); the configured engine when null.</param>
public sealed record RequeueRequest(string? Engine);
