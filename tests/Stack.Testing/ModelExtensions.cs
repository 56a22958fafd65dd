using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Stack.Testing;

internal static class ModelExtensions
{
    public static DistributedApplicationModel GetModel(this IServiceProvider services) => services.GetRequiredService<DistributedApplicationModel>();
}
