using System.Text.Json.Serialization;

namespace Persistence.Contracts;

/// <summary>Body of <c>POST /api/v1/persistence/sessions/batch</c>.</summary>
public sealed record SessionBatch([property: JsonPropertyName("sessions")] IReadOnlyList<SessionRecord?>? Sessions);

/// <summary>Body of <c>POST /api/v1/persistence/tasks/batch</c>.</summary>
public sealed record TaskBatch([property: JsonPropertyName("tasks")] IReadOnlyList<TaskRecord?>? Tasks);
