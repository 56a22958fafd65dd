using System.Globalization;

namespace Persistence.Api.Http;

/// <summary>
/// Old spellings kept for this API version: they answer as their successor does, plus a <c>Deprecation</c> header
/// (RFC 9745) and, for a path, a <c>Link</c> to the successor, so clients can find and move off them.
/// </summary>
public static class Deprecation
{
    public const string HeaderName = "Deprecation";

    /// <summary>When the old spellings were deprecated, as the header states it (RFC 9651 date: <c>@</c> Unix seconds).</summary>
    public static readonly DateTimeOffset Since = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public static string HeaderValue { get; } = "@" + Since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static void Announce(HttpContext context, string? successor)
    {
        var headers = context.Response.Headers;
        headers[HeaderName] = HeaderValue;
        if (successor is not null)
        {
            headers.Append("Link", $"<{successor}>; rel=\"successor-version\"");
        }
    }

    /// <summary>
    /// Marks the endpoint as an old spelling of <paramref name="successorTemplate"/>, a route template whose
    /// parameters are filled from this request's route values (both spellings name them alike).
    /// </summary>
    public static TBuilder DeprecatedFor<TBuilder>(this TBuilder builder, string successorTemplate)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new DeprecatedAlias(successorTemplate));
        builder.AddEndpointFilter(async (context, next) =>
        {
            Announce(context.HttpContext, Fill(successorTemplate, context.HttpContext.Request.RouteValues));
            return await next(context);
        });
        return builder;
    }

    internal static string Fill(string template, RouteValueDictionary values)
    {
        var path = template;
        foreach (var (name, value) in values)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            path = path.Replace("{**" + name + "}", string.Join('/', text.Split('/').Select(Uri.EscapeDataString)), StringComparison.Ordinal)
                .Replace("{" + name + "}", Uri.EscapeDataString(text), StringComparison.Ordinal);
        }

        return path;
    }
}

/// <summary>Endpoint metadata: this route is an old spelling of <see cref="Successor"/>.</summary>
public sealed record DeprecatedAlias(string Successor);
