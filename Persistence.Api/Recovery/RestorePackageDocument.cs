using System.ComponentModel;
using Persistence.Api.Queries;
using Persistence.Contracts.Queries;

namespace Persistence.Api.Recovery;

/// <summary>
/// The shape <see cref="RestorePackage"/> streams, for the OpenAPI document only: the package itself is written
/// field by field as rows are read, never built as one object.
/// </summary>
public sealed record RestorePackageDocument(
    [property: Description("When the snapshot was taken (RFC 3339, UTC).")] DateTimeOffset RestoredAt,
    [property: Description("eventual or strong, as asked.")] string Consistency,
    [property: Description("Per stream, what the database held at the snapshot; null when Redis could not say.")] IReadOnlyList<FlushPosition>? FlushPosition,
    SessionDetail Session,
    [property: Description("Every task of the session not yet completed, failed or cancelled.")] IReadOnlyList<TaskDetail> Tasks,
    long TaskCount,
    [property: Description("True once the whole package was written; a cut-off stream lacks it.")] bool Complete);
