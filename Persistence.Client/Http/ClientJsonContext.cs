using System.Text.Json.Serialization;
using Persistence.Client.Models;

namespace Persistence.Client.Http;

/// <summary>
/// Source-generated readers of the API's answers (snake_case), and writers of the small lifecycle bodies that have no
/// record in Persistence.Contracts. Unknown members are skipped, so a server that adds a field does not break clients
/// built before it.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(BatchAccepted))]
[JsonSerializable(typeof(FlushResult))]
[JsonSerializable(typeof(PipelineStats))]
[JsonSerializable(typeof(ResultPage<SessionSummary>))]
[JsonSerializable(typeof(ResultPage<TaskSummary>))]
[JsonSerializable(typeof(SessionDetail))]
[JsonSerializable(typeof(TaskDetail))]
[JsonSerializable(typeof(TranslationAccepted))]
[JsonSerializable(typeof(TranslationBatchAccepted))]
[JsonSerializable(typeof(TranslationState))]
[JsonSerializable(typeof(JobPage))]
[JsonSerializable(typeof(JobRequeued))]
[JsonSerializable(typeof(JobReviewed))]
[JsonSerializable(typeof(RetranslationAccepted))]
[JsonSerializable(typeof(BulkRequeued))]
[JsonSerializable(typeof(HistoryPage))]
[JsonSerializable(typeof(ReviewBody))]
[JsonSerializable(typeof(RequeueBody))]
[JsonSerializable(typeof(RetranslateBody))]
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(DeadLetterPage))]
[JsonSerializable(typeof(ReplayResult))]
[JsonSerializable(typeof(GarbageCollectionResult))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
