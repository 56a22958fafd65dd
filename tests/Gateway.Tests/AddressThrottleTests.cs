using System.Net;
using Gateway.RateLimits;

namespace Gateway.Tests;

public sealed class AddressThrottleTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("::1", "::/64")]
    public void A_client_is_throttled_by_its_IPv4_address_or_the_64_network_of_its_IPv6_address(string address, string network) =>
        Assert.Equal(network, AddressThrottle.ClientNetwork(IPAddress.Parse(address)));

    [Fact]
    public void Every_address_of_one_IPv6_64_network_shares_one_failure_bucket()
    {
        var options = new RateLimitOptions();
        var keys = new[] { "2001:db8:5:6::1", "2001:db8:5:6:ffff::9" }.Select(address =>
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            return AddressThrottle.Draw(context, options, cost: 1).Key;
        });

        Assert.Single(keys.Distinct());
    }
}
