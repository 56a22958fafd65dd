using Microsoft.Extensions.Options;

namespace Persistence.Client.Hosting;

/// <summary>Puts the configured API key on every request, reading it each time so a rotation needs no restart.</summary>
internal sealed class ApiKeyHandler(IOptionsMonitor<PersistenceClientOptions> options) : DelegatingHandler
{
    public const string HeaderName = "X-API-Key";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(HeaderName);
        request.Headers.TryAddWithoutValidation(HeaderName, options.CurrentValue.ApiKey);
        return base.SendAsync(request, cancellationToken);
    }
}
