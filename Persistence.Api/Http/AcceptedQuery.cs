using Persistence.Api.Ingest;

namespace Persistence.Api.Http;

/// <summary>
/// The query parameters an endpoint takes, as endpoint metadata: the filter refuses every other one (a misspelt
/// filter would otherwise silently widen the answer) and the OpenAPI document lists exactly these.
/// </summary>
public sealed record AcceptedQuery(IReadOnlyList<string> Names)
{
    /// <summary>Parameters still accepted under an old name, with the name that replaces each.</summary>
    public IReadOnlyDictionary<string, string> DeprecatedNames { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public IEnumerable<string> AllNames => Names.Concat(DeprecatedNames.Keys);
}

public static class AcceptedQueryExtensions
{
    /// <summary>Takes exactly <paramref name="names"/> (none when empty); anything else is a 400 naming the parameter.</summary>
    public static TBuilder AcceptsQuery<TBuilder>(this TBuilder builder, params string[] names)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AcceptsQuery(new AcceptedQuery(names));

    public static TBuilder AcceptsQuery<TBuilder>(this TBuilder builder, AcceptedQuery accepted)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(accepted);
        builder.AddEndpointFilter(async (context, next) =>
        {
            var query = context.HttpContext.Request.Query;
            var known = accepted.AllNames.ToList();
            var errors = query.Keys
                .Where(key => !known.Contains(key, StringComparer.Ordinal))
                .Select(key => new FieldError(null, key, known.Count == 0
                    ? "is not a parameter of this endpoint, which takes none"
                    : $"is not a parameter of this endpoint; known: {string.Join(", ", accepted.Names)}"))
                .ToList();
            if (errors.Count > 0)
            {
                return Problems.InvalidQuery(errors);
            }

            foreach (var (old, replacement) in accepted.DeprecatedNames)
            {
                if (query.ContainsKey(old))
                {
                    if (query.ContainsKey(replacement))
                    {
                        return Problems.InvalidQuery(new FieldError(null, old, $"is the deprecated spelling of {replacement}; give only {replacement}"));
                    }

                    Deprecation.Announce(context.HttpContext, successor: null);
                }
            }

            return await next(context);
        });
        return builder;
    }
}
