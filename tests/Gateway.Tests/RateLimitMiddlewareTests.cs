using Gateway.RateLimits;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests;

public sealed class RateLimitMiddlewareTests
{
    [Theory]
    [InlineData(410L, null, false)]
    [InlineData(0L, null, false)]
    [InlineData(RateLimitMiddleware.SmallBodyBytes, null, false)]
    [InlineData(RateLimitMiddleware.SmallBodyBytes + 1, null, true)]
    [InlineData(null, null, true)]
    [InlineData(410L, "100-continue", true)]
    [InlineData(410L, "100-Continue", true)]
    public void Only_a_small_declared_body_that_does_not_wait_for_100_Continue_is_read_before_the_buckets_are_asked(
        long? contentLength, string? expect, bool asksFirst)
    {
        var request = new DefaultHttpContext().Request;
        request.ContentLength = contentLength;
        if (expect is not null)
        {
            request.Headers.Expect = expect;
        }

        Assert.Equal(asksFirst, RateLimitMiddleware.AsksBeforeReading(request));
    }

    [Theory]
    [InlineData(false, null, false)]
    [InlineData(true, null, true)]
    [InlineData(null, 410L, true)]
    [InlineData(null, 0L, false)]
    public void Only_a_request_with_a_body_takes_an_upload_slot_so_long_reads_never_keep_a_key_s_uploads_out(
        bool? canHaveBody, long? contentLength, bool takesSlot)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentLength = contentLength;
        if (canHaveBody is { } detected)
        {
            context.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(detected));
        }

        Assert.Equal(takesSlot, RateLimitMiddleware.HasBody(context));
    }

    private sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => canHaveBody;
    }
}
