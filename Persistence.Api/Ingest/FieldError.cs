namespace Persistence.Api.Ingest;

/// <summary>One reason a batch was refused: which item, which field, and why.</summary>
public sealed record FieldError(int? Index, string Field, string Message);
