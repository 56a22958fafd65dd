using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>
/// One database (a schema, in MySQL's words) on a MySQL, MariaDB or local PostgreSQL server. Its name is the connection name the
/// services read (<c>ConnectionStrings__{name}</c>); <see cref="DatabaseName"/> is what the server calls it.
/// </summary>
public sealed class SchemaResource(string name, string databaseName, IResourceWithConnectionString server)
    : Resource(name), IResourceWithParent<IResourceWithConnectionString>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public IResourceWithConnectionString Parent { get; } = server;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{Parent.ConnectionStringExpression};Database={DatabaseName}");
}
