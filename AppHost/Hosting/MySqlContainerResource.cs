using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>The MySQL server of a deployment (publish mode): a container with its data on a volume.</summary>
public sealed class MySqlContainerResource : ContainerResource, IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public MySqlContainerResource(string name, string user, ParameterResource password)
        : base(name)
    {
        Address = new MySqlServerAddress(this, EndpointName, user, password);
    }

    public MySqlServerAddress Address { get; }

    public DatabaseTuning Tuning { get; internal set; } = DatabaseTuning.Default;

    public ReferenceExpression ConnectionStringExpression => Address.ConnectionString;
}
