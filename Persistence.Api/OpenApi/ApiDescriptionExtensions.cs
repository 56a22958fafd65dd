using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Persistence.Api.OpenApi;

/// <summary>The OpenAPI document, generated from the endpoints on each replica, and the Scalar reference over it.</summary>
public static class ApiDescriptionExtensions
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/scalar";

    public static IHostApplicationBuilder AddApiDescription(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiReferenceOptions>().BindConfiguration(ApiReferenceOptions.SectionName);
        builder.Services.AddSingleton<QueryParameterCatalog>();
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer<DocumentTransformer>();
            options.AddOperationTransformer<OperationTransformer>();
            options.AddSchemaTransformer<SchemaDescriptions>();
            options.AddDocumentTransformer<SharedOperations>();
        });
        // Anyone may read the document, and generating it takes a few hundred milliseconds: generated once a process.
        // The route takes no query parameter, so the cache ignores the query string; varying by it (the framework's
        // default) let anyone make every replica generate the document again with ?n=1, ?n=2, ...
        builder.Services.AddOutputCache(options => options.AddPolicy(
            DocumentName, policy => policy.Expire(TimeSpan.FromDays(1)).SetVaryByQuery([]).SetVaryByHost(false)));
        return builder;
    }

    public static WebApplication MapApiDescription(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").CacheOutput(DocumentName);
        if (app.Services.GetRequiredService<IOptions<ApiReferenceOptions>>().Value.Enabled)
        {
            app.MapScalarApiReference(ReferencePath, options => options
                .WithTitle("Translation persistence API")
                .WithOpenApiRoutePattern(DocumentPath)
                // Nothing is fetched from elsewhere: the gateway's content policy allows only its own origin.
                .DisableDefaultFonts()
                .DisableTelemetry()
                .AddPreferredSecuritySchemes(DocumentTransformer.ApiKeyScheme));
        }

        return app;
    }
}
