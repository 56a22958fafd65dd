using Gateway.RateLimits;

namespace Gateway;

internal static partial class Log
{
    [LoggerMessage(2, LogLevel.Information, "Loaded {Count} API keys")]
    public static partial void KeysLoaded(ILogger logger, int count);

    [LoggerMessage(3, LogLevel.Error, "Ignored an API key entry: {Problem}")]
    public static partial void KeyIgnored(ILogger logger, string problem);

    [LoggerMessage(4, LogLevel.Information, "Refused a request ({Reason} key) from {RemoteAddress} to {Path}")]
    public static partial void KeyRefused(ILogger logger, string reason, string remoteAddress, string path);

    [LoggerMessage(5, LogLevel.Debug, "Throttled {RemoteAddress}: too many requests without a valid key")]
    public static partial void AddressThrottled(ILogger logger, string remoteAddress);

    [LoggerMessage(6, LogLevel.Warning, "The rate limiter's Redis did not answer; failing {Mode} ({Suppressed} more such requests since the last report)")]
    public static partial void LimiterUnavailable(ILogger logger, RateLimitFailureMode mode, long suppressed, Exception exception);

    [LoggerMessage(8, LogLevel.Debug, "Key {KeyId} is over its {Bucket} limit")]
    public static partial void KeyRateLimited(ILogger logger, string keyId, string bucket);

    [LoggerMessage(30, LogLevel.Debug, "Throttled {ClientNetwork}: too many requests without a key to anonymous routes")]
    public static partial void AnonymousRateLimited(ILogger logger, string clientNetwork);

    [LoggerMessage(31, LogLevel.Information, "Refused a batch of {Records} records from key {KeyId}, whose record burst is {Burst}")]
    public static partial void BatchOverBurst(ILogger logger, long records, string keyId, long burst);

    [LoggerMessage(7, LogLevel.Information, "Replica {Destination} failed before answering ({Failure}); trying one of {Remaining} others")]
    public static partial void RetryingElsewhere(ILogger logger, string destination, string failure, int remaining);

    [LoggerMessage(20, LogLevel.Information, "Loaded {Count} JWT signing keys from {Path}")]
    public static partial void SigningKeysLoaded(ILogger logger, int count, string path);

    [LoggerMessage(21, LogLevel.Error, "Kept the JWT signing keys in force; the changed file is not usable: {Problem}")]
    public static partial void SigningKeysIgnored(ILogger logger, string problem);

    [LoggerMessage(22, LogLevel.Information, "Refused a bearer token from {RemoteAddress} to {Path}: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string remoteAddress, string path, string reason);
}
