using Microsoft.Extensions.Options;
using Persistence.Api.Backpressure;
using Persistence.Api.Ingest;

namespace Persistence.Api.Translations;

/// <summary>What the translation registration routes need, bound as one <c>[AsParameters]</c> argument.</summary>
public sealed record TranslationIntake(
    HttpRequest Request,
    TranslationValidator Validator,
    StreamAppender Appender,
    BacklogMonitor Backlog,
    TimeProvider Time,
    IOptions<IngestOptions> Limits,
    IOptions<TranslationOptions> Options,
    ILogger<StreamAppender> Logger,
    CancellationToken Aborted);
