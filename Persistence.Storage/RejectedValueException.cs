namespace Persistence.Storage;

/// <summary>
/// A value the backend cannot store, found before anything was sent (PostgreSQL's text holds no NUL). Every dialect
/// reads it as rejected data: the record is dead-lettered with this message instead of being retried forever.
/// </summary>
public sealed class RejectedValueException(string message) : Exception(message);
