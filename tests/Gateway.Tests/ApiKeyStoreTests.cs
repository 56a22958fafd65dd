using Gateway.ApiKeys;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Persistence.Contracts;

namespace Gateway.Tests;

public sealed class ApiKeyStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Only_a_listed_live_key_with_the_right_secret_is_valid()
    {
        var options = new ApiKeyOptions();
        var live = Add(options, "live", Scopes.Ingest);
        var revoked = Add(options, "revoked", Scopes.Ingest);
        options.Keys["revoked"].Revoked = true;
        var expired = Add(options, "expired", Scopes.Read);
        options.Keys["expired"].ExpiresAt = Now.AddSeconds(-1);
        var store = new ApiKeyStore(new Monitor(options), NullLogger<ApiKeyStore>.Instance);

        Assert.Equal(KeyCheck.Valid, store.Check(live, Now, out var key));
        Assert.Equal("live", key!.Id);
        Assert.Contains(Scopes.Ingest, (IReadOnlySet<string>)key.Scopes);
        Assert.Equal(KeyCheck.Revoked, store.Check(revoked, Now, out _));
        Assert.Equal(KeyCheck.Expired, store.Check(expired, Now, out _));
        Assert.Equal(KeyCheck.WrongSecret, store.Check(live[..^1] + (live[^1] == 'A' ? 'B' : 'A'), Now, out _));
        Assert.Equal(KeyCheck.Unknown, store.Check(ApiKeySecrets.Create("stranger").Key, Now, out _));
        Assert.Equal(KeyCheck.Malformed, store.Check("garbage", Now, out _));
    }

    [Fact]
    public void A_broken_entry_stops_the_start()
    {
        var options = new ApiKeyOptions();
        Add(options, "ok", Scopes.Admin);
        options.Keys["broken"] = new ApiKeyDefinition { Hash = "abc", Salt = "00" };
        options.Keys["broken"].Scopes.Add(Scopes.Read);

        var error = Assert.Throws<OptionsValidationException>(() => new ApiKeyStore(new Monitor(options), NullLogger<ApiKeyStore>.Instance));
        Assert.Contains("ApiKeys:Keys:broken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_scopes_are_refused()
    {
        var options = new ApiKeyOptions();
        Add(options, "odd", "superuser");

        Assert.Throws<OptionsValidationException>(() => new ApiKeyStore(new Monitor(options), NullLogger<ApiKeyStore>.Instance));
    }

    [Fact]
    public void A_reload_adds_and_revokes_keys_and_skips_a_broken_entry_without_dropping_the_rest()
    {
        var options = new ApiKeyOptions();
        var first = Add(options, "first", Scopes.Read);
        var monitor = new Monitor(options);
        using var store = new ApiKeyStore(monitor, NullLogger<ApiKeyStore>.Instance);

        var reloaded = new ApiKeyOptions();
        Add(reloaded, "first", Scopes.Read);
        reloaded.Keys["first"].Revoked = true;
        var second = Add(reloaded, "second", Scopes.Admin);
        reloaded.Keys["typo"] = new ApiKeyDefinition { Hash = "zz", Salt = "00" };
        monitor.Change(reloaded);

        Assert.Equal(KeyCheck.WrongSecret, store.Check(first, Now, out _));
        Assert.Equal(KeyCheck.Valid, store.Check(second, Now, out _));
        Assert.Equal(2, store.Count);
    }

    private static string Add(ApiKeyOptions options, string id, string scope)
    {
        var (key, salt, hash) = ApiKeySecrets.Create(id);
        var definition = new ApiKeyDefinition { Salt = salt, Hash = hash };
        definition.Scopes.Add(scope);
        options.Keys[id] = definition;
        return key;
    }

    private sealed class Monitor(ApiKeyOptions value) : IOptionsMonitor<ApiKeyOptions>
    {
        private Action<ApiKeyOptions, string?>? _listener;

        public ApiKeyOptions CurrentValue { get; private set; } = value;

        public ApiKeyOptions Get(string? name) => CurrentValue;

        public IDisposable OnChange(Action<ApiKeyOptions, string?> listener)
        {
            _listener = listener;
            return new CancellationChangeToken(CancellationToken.None).RegisterChangeCallback(_ => { }, null);
        }

        public void Change(ApiKeyOptions options)
        {
            CurrentValue = options;
            _listener?.Invoke(options, null);
        }
    }
}
