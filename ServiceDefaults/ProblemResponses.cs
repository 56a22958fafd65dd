using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The one shape of every RFC 9457 problem the API and the gateway answer, whoever writes it (a handler, the status
/// code pages, the exception handler): <c>type</c> links the status's section of RFC 9110, <c>traceId</c> ties it to
/// the trace. Handlers give status, title, detail and extensions only.
/// </summary>
public static class ProblemResponses
{
    public static IServiceCollection AddProblemResponses(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            context.ProblemDetails.Type = TypeOf(status);
        });

    /// <summary>RFC 9110's section for the status; 429 is RFC 6585's.</summary>
    public static string TypeOf(int status) => status == StatusCodes.Status429TooManyRequests
        ? "https://www.rfc-editor.org/rfc/rfc6585#section-4"
        : $"https://httpwg.org/specs/rfc9110.html#status.{status}";
}
