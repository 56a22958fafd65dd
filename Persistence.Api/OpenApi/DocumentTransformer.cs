using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Persistence.Api.Http;

namespace Persistence.Api.OpenApi;

/// <summary>What the document says as a whole: the API, the two key forms, the shared headers, the tags.</summary>
public sealed class DocumentTransformer : IOpenApiDocumentTransformer
{
    public const string ApiKeyScheme = "ApiKey";
    public const string BearerScheme = "Bearer";
    public const string RetryAfterHeader = "Retry-After";

    public static readonly IReadOnlyList<string> RateLimitHeaders = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"];

    public static readonly IReadOnlyList<string> ConsistencyHeaders =
        [Queries.ReadConsistency.ConsistencyHeader, Queries.ReadConsistency.LagEntriesHeader, Queries.ReadConsistency.LagMillisecondsHeader];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Translation persistence API",
            Version = "v1",
            Description = """
                Stores the sessions and tasks of translation back ends, and translates texts. Everything goes through the
                gateway with an API key, sent as `X-API-Key: <key>` or `Authorization: Bearer <key>`; each route needs one
                scope (ingest, read or admin), named in its description.

                Writes are accepted into a queue (202) and committed to MySQL shortly after; reads say how far behind
                they may be (`X-Flush-Lag-*`) or wait with `consistency=strong`. Lists page with `page_size` and either
                `page` or `cursor` (pass `next_cursor` back unchanged). Unknown query parameters are refused with 400,
                and every 400 lists each problem with its item index and field. Old spellings still answer for v1 with a
                `Deprecation` header.
                """,
        };
        // Relative: the document is generated behind the gateway, whose address is wherever it was fetched from.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The gateway this document was fetched from." }];

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-API-Key",
                Description = "An API key (pk_<id>_<secret>) in the X-API-Key header.",
            },
            [BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The same API key as a bearer token: Authorization: Bearer <key>.",
            },
        };
        document.Security =
        [
            new() { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
            new() { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
        ];

        document.Components.Headers = new Dictionary<string, IOpenApiHeader>
        {
            [RetryAfterHeader] = Header("Seconds to wait before sending the same request again (with a random part, so clients do not return in step).", JsonSchemaType.Integer),
            ["RateLimit-Limit"] = Header("The burst size of the key's tightest bucket.", JsonSchemaType.Integer),
            ["RateLimit-Remaining"] = Header("What is left of that bucket.", JsonSchemaType.Integer),
            ["RateLimit-Reset"] = Header("Seconds until that bucket is full again.", JsonSchemaType.Integer),
            ["RateLimit-Policy"] = Header("Every bucket the request drew from, as burst;w=window-seconds.", JsonSchemaType.String),
            [Queries.ReadConsistency.ConsistencyHeader] = Header("The consistency the answer was read with: eventual or strong.", JsonSchemaType.String),
            [Queries.ReadConsistency.LagEntriesHeader] = Header("Accepted records not yet in MySQL when the read began (absent when Redis cannot count them).", JsonSchemaType.Integer),
            [Queries.ReadConsistency.LagMillisecondsHeader] = Header("Age in milliseconds of the oldest accepted record not yet in MySQL (0: none).", JsonSchemaType.Integer),
            [Deprecation.HeaderName] = Header($"RFC 9745: this spelling is deprecated since {Deprecation.HeaderValue} ({Deprecation.Since:yyyy-MM-dd}); it works for all of v1.", JsonSchemaType.String),
            ["Link"] = Header("The successor of a deprecated route, as <path>; rel=\"successor-version\".", JsonSchemaType.String),
        };

        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = "Ingest", Description = "Batches of session and task states from the translation back ends (ingest scope)." },
            new() { Name = "Pipeline", Description = "The flush barrier (ingest) and pipeline statistics (admin)." },
            new() { Name = "Queries", Description = "Sessions and tasks as MySQL holds them (read scope)." },
            new() { Name = "Recovery", Description = "What a restarted back end needs to resume (read scope)." },
            new() { Name = "Translations", Description = "Texts to translate, their jobs and results." },
            new() { Name = "Dead letters", Description = "Records the workers could not store: inspect, replay, discard (admin scope)." },
            new() { Name = "Admin", Description = "Operations on demand (admin scope)." },
        };
        return Task.CompletedTask;
    }

    private static OpenApiHeader Header(string description, JsonSchemaType type) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = type } };
}
