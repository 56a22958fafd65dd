namespace Persistence.Client.Hosting;

/// <summary>Where the gateway is and how to call it (section <c>PersistenceClient</c>).</summary>
public sealed class PersistenceClientOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "PersistenceClient";

    /// <summary>
    /// The gateway. The default names the Aspire resource <c>gateway</c>, which service discovery resolves from
    /// <c>services:gateway:http:0</c> (what <c>WithReference(gateway)</c> sets), preferring HTTPS when it has an endpoint.
    /// </summary>
    public Uri BaseAddress { get; set; } = new("https+http://gateway");

    /// <summary>The API key, sent as <c>X-API-Key</c>; read on every request, so a reloaded configuration rotates it.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The longest one attempt of a request may take (a flush waits up to its own timeout on the server).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The longest a request may take with its retries by the resilience handler.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
