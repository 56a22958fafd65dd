namespace Persistence.Client.Sample;

/// <summary>What the simulated back end does (section <c>Sample</c>).</summary>
public sealed class SimulationOptions
{
    public const string SectionName = "Sample";

    public string SessionId { get; set; } = "sample-" + Guid.NewGuid().ToString("N")[..8];

    public int Tasks { get; set; } = 200;
}
