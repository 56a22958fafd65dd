using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;
using Persistence.Api.Callers;
using Persistence.Api.Ingest;
using Persistence.Contracts;

namespace Persistence.Api.Tests;

/// <summary>A replica bounds each key's bodies in flight itself, whatever the number of gateways in front of it.</summary>
public sealed class CallerBodyLimitTests
{
    private readonly BodySlots _slots = new();
    private readonly IServiceProvider _services = new ServiceCollection().AddLogging().AddProblemResponses().BuildServiceProvider();

    [Fact]
    public async Task A_key_past_its_bodies_in_flight_gets_429_before_its_body_is_read_and_other_keys_still_pass()
    {
        var middleware = new CallerBodyLimitMiddleware(_slots, new FixedOptions(new CallerLimitOptions { MaxConcurrentBodies = 2 }));
        var release = new TaskCompletionSource();
        var held = Enumerable.Range(0, 2).Select(_ => middleware.InvokeAsync(Request("tenant"), _ => release.Task)).ToList();

        var refused = Request("tenant");
        var reached = false;
        await middleware.InvokeAsync(refused, _ => { reached = true; return Task.CompletedTask; });
        var other = Request("other");
        await middleware.InvokeAsync(other, _ => Task.CompletedTask);

        Assert.False(reached);
        Assert.Equal(StatusCodes.Status429TooManyRequests, refused.Response.StatusCode);
        Assert.Equal("1", refused.Response.Headers.RetryAfter.ToString());
        Assert.Equal(StatusCodes.Status200OK, other.Response.StatusCode);
        Assert.Equal(2, _slots.InFlight("tenant"));

        release.SetResult();
        await Task.WhenAll(held);
        Assert.Equal(0, _slots.InFlight("tenant"));
    }

    [Fact]
    public void A_slot_is_released_once_however_often_it_is_disposed()
    {
        var first = _slots.TryTake("tenant", max: 2)!;
        using var second = _slots.TryTake("tenant", max: 2);
        Assert.Null(_slots.TryTake("tenant", max: 2));

        first.Dispose();
        first.Dispose();

        Assert.Equal(1, _slots.InFlight("tenant"));
        using var third = _slots.TryTake("tenant", max: 2);
        Assert.NotNull(third);
        Assert.Null(_slots.TryTake("tenant", max: 2));
    }

    [Fact]
    public async Task Requests_without_a_body_or_without_a_key_id_take_no_slot()
    {
        var middleware = new CallerBodyLimitMiddleware(_slots, new FixedOptions(new CallerLimitOptions { MaxConcurrentBodies = 1 }));
        using var taken = _slots.TryTake("tenant", max: 1);

        var read = Request("tenant", hasBody: false);
        var anonymous = Request(null);
        await middleware.InvokeAsync(read, _ => Task.CompletedTask);
        await middleware.InvokeAsync(anonymous, _ => Task.CompletedTask);

        Assert.Equal(StatusCodes.Status200OK, read.Response.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, anonymous.Response.StatusCode);
    }

    private DefaultHttpContext Request(string? keyId, bool hasBody = true)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(hasBody));
        context.SetCallerKeyId(keyId);
        return context;
    }

    private sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => canHaveBody;
    }

    private sealed class FixedOptions(CallerLimitOptions value) : IOptionsMonitor<CallerLimitOptions>
    {
        public CallerLimitOptions CurrentValue => value;

        public CallerLimitOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<CallerLimitOptions, string?> listener) => null;
    }
}
