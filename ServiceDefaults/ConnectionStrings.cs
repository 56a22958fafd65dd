using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

public static class ConnectionStrings
{
    /// <summary><c>ConnectionStrings:{name}</c>, or a start-up error that says which variable to set.</summary>
    public static string Require(IConfiguration configuration, string name)
    {
        var connectionString = configuration.GetConnectionString(name);
        return string.IsNullOrWhiteSpace(connectionString)
            ? throw new InvalidOperationException($"Connection string '{name}' is missing: set ConnectionStrings__{name}.")
            : connectionString;
    }
}
