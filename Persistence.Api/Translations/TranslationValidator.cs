using System.Text.Json;
using Microsoft.Extensions.Options;
using Persistence.Api.Ingest;
using Persistence.Contracts;

namespace Persistence.Api.Translations;

/// <summary>Checks requests against what the tables can store and the workers can process; reports every problem.</summary>
public sealed class TranslationValidator(IOptions<TranslationOptions> translationOptions, IOptions<IngestOptions> ingestOptions)
{
    private readonly TranslationOptions _options = translationOptions.Value;
    private readonly IngestOptions _limits = ingestOptions.Value;

    public IReadOnlyList<FieldError> Validate(IReadOnlyList<TranslationRequest?> requests)
    {
        var errors = new List<FieldError>();
        var languages = _options.EffectiveTargetLanguages;
        for (var i = 0; i < requests.Count; i++)
        {
            if (requests[i] is not { } request)
            {
                errors.Add(new(i, "", "must be an object"));
                continue;
            }

            if (string.IsNullOrWhiteSpace(request.BusinessId))
            {
                errors.Add(new(i, "business_id", "is required"));
            }
            else if (request.BusinessId.Length > _options.MaxBusinessIdLength)
            {
                errors.Add(new(i, "business_id", $"must be at most {_options.MaxBusinessIdLength} characters"));
            }
            else if (RecordValidator.HasControlCharacters(request.BusinessId))
            {
                errors.Add(new(i, "business_id", "must not contain control characters"));
            }
            else if (RecordValidator.CollationProblem(request.BusinessId) is { } problem)
            {
                errors.Add(new(i, "business_id", problem));
            }

            if (string.IsNullOrEmpty(request.Text))
            {
                errors.Add(new(i, "text", "is required"));
            }
            else if (request.Text.Length > _limits.MaxTextLength)
            {
                errors.Add(new(i, "text", $"must be at most {_limits.MaxTextLength} characters"));
            }

            if (request.SourceLang is null)
            {
                errors.Add(new(i, "source_lang", "is required"));
            }
            else if (!RecordValidator.IsLanguageTag(request.SourceLang))
            {
                errors.Add(new(i, "source_lang", "must be a BCP 47 language tag such as en, zh-CN or pt-BR"));
            }

            CheckTargets(errors, i, request, languages);
            CheckContext(errors, i, request.Context);
        }

        return errors;
    }

    private static void CheckTargets(List<FieldError> errors, int index, TranslationRequest request, IReadOnlyList<string> languages)
    {
        if (request.TargetLangs is not { Count: > 0 } targets)
        {
            errors.Add(new(index, "target_langs", "must name at least one language"));
            return;
        }

        for (var t = 0; t < targets.Count; t++)
        {
            var target = targets[t];
            if (target is null)
            {
                errors.Add(new(index, $"target_langs[{t}]", "is required"));
            }
            else if (!languages.Contains(target, StringComparer.Ordinal))
            {
                errors.Add(new(index, $"target_langs[{t}]", $"must be one of the processed languages: {string.Join(", ", languages)}"));
            }
            else if (string.Equals(target, request.SourceLang, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new(index, $"target_langs[{t}]", "must differ from source_lang"));
            }
        }
    }

    private void CheckContext(List<FieldError> errors, int index, JsonElement? context)
    {
        if (context is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(index, "context", "must be a JSON object"));
        }
        else if (value.GetRawText().Length > _limits.MaxMetadataBytes)
        {
            errors.Add(new(index, "context", $"must serialize to at most {_limits.MaxMetadataBytes} bytes"));
        }
        else if (!JsonNesting.IsStorable(value))
        {
            // Deeper, the content row is refused, and its jobs, which need it, would be claimed and released for ever.
            errors.Add(new(index, "context", $"must nest arrays and objects at most {JsonNesting.MaxStored} deep"));
        }
    }
}
