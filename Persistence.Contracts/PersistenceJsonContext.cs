using System.Text.Json.Serialization;

namespace Persistence.Contracts;

/// <summary>
/// Source-generated serializers for everything that crosses a process boundary. Unknown members are
/// refused: a misspelt field would otherwise be silently dropped instead of persisted.
/// </summary>
[JsonSourceGenerationOptions(
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(SessionBatch))]
[JsonSerializable(typeof(TaskBatch))]
[JsonSerializable(typeof(SessionRecord))]
[JsonSerializable(typeof(TaskRecord))]
[JsonSerializable(typeof(TranslationRequest))]
[JsonSerializable(typeof(TranslationRequestBatch))]
[JsonSerializable(typeof(TranslationContentRecord))]
[JsonSerializable(typeof(TranslationJobRecord))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
public sealed partial class PersistenceJsonContext : JsonSerializerContext;
