namespace Persistence.Api.OpenApi;

/// <summary>
/// The answers an endpoint gives besides its success, as response metadata the document is generated from. The
/// gateway's own refusals (401, 403, 429, 503) are added to every operation by <see cref="ResponseTransformer"/>.
/// </summary>
public static class EndpointDocumentation
{
    private const string ProblemJson = "application/problem+json";

    public static TBuilder RequiresScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(scope));

    /// <summary>A JSON body: 400 with the per-item error list, 413 past the size or item limit.</summary>
    public static RouteHandlerBuilder DocumentsBody(this RouteHandlerBuilder builder) =>
        builder.Produces<InvalidProblemBody>(StatusCodes.Status400BadRequest, ProblemJson)
            .Produces<ProblemBody>(StatusCodes.Status413PayloadTooLarge, ProblemJson);

    /// <summary>Query parameters only: 400 naming each bad parameter.</summary>
    public static RouteHandlerBuilder DocumentsInvalidQuery(this RouteHandlerBuilder builder) =>
        builder.Produces<InvalidProblemBody>(StatusCodes.Status400BadRequest, ProblemJson);

    public static RouteHandlerBuilder DocumentsNotFound(this RouteHandlerBuilder builder) =>
        builder.Produces<ProblemBody>(StatusCodes.Status404NotFound, ProblemJson);

    public static RouteHandlerBuilder DocumentsConflict(this RouteHandlerBuilder builder) =>
        builder.Produces<ProblemBody>(StatusCodes.Status409Conflict, ProblemJson);

    /// <summary>The flush barrier (or a strong read waiting on it) that ran out of time.</summary>
    public static RouteHandlerBuilder DocumentsFlushTimeout(this RouteHandlerBuilder builder) =>
        builder.Produces<FlushTimeoutProblemBody>(StatusCodes.Status504GatewayTimeout, ProblemJson);
}
