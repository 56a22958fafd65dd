using Microsoft.AspNetCore.Routing;
using Persistence.Api.Http;

namespace Persistence.Api.Tests;

public sealed class DeprecationTests
{
    [Fact]
    public void The_successor_link_is_filled_from_the_route_values_keeping_slashes_of_a_catch_all_and_escaping_the_rest()
    {
        var values = new RouteValueDictionary { ["business_id"] = "docs/intro title", ["job_id"] = "a/b" };

        Assert.Equal(
            "/api/v1/translation/jobs/by-business-id/docs/intro%20title",
            Deprecation.Fill("/api/v1/translation/jobs/by-business-id/{**business_id}", values));
        Assert.Equal("/api/v1/translation/jobs/a%2Fb/retry", Deprecation.Fill("/api/v1/translation/jobs/{job_id}/retry", values));
    }

    [Fact]
    public void The_header_states_the_deprecation_date_as_an_RFC_9651_date()
    {
        // 2026-12-01T00:00:00Z in Unix seconds, as clients compare it.
        Assert.Equal("@1796083200", Deprecation.HeaderValue);
    }
}
