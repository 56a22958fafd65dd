using Gateway.ApiKeys;

namespace Gateway.Tests;

public sealed class ApiKeySecretsTests
{
    [Fact]
    public void A_new_key_matches_its_own_hash_and_nothing_else()
    {
        var (key, salt, hash) = ApiKeySecrets.Create("ci");

        Assert.True(ApiKeySecrets.TryParse(key, out var id, out var secret));
        Assert.Equal("ci", id);
        Assert.True(ApiKeySecrets.Matches(secret, Convert.FromHexString(salt), Convert.FromHexString(hash)));
        Assert.False(ApiKeySecrets.Matches(secret + "x", Convert.FromHexString(salt), Convert.FromHexString(hash)));
        Assert.False(ApiKeySecrets.Matches(secret[1..], Convert.FromHexString(salt), Convert.FromHexString(hash)));
    }

    [Fact]
    public void Two_keys_never_share_a_salt_or_a_hash()
    {
        var first = ApiKeySecrets.Create("a");
        var second = ApiKeySecrets.Create("a");

        Assert.NotEqual(first.Salt, second.Salt);
        Assert.NotEqual(first.Hash, second.Hash);
        Assert.NotEqual(first.Key, second.Key);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".secret")]
    [InlineData("id.")]
    [InlineData("no-separator")]
    public void Malformed_keys_do_not_parse(string presented) =>
        Assert.False(ApiKeySecrets.TryParse(presented, out _, out _));

    [Theory]
    [InlineData("ops", true)]
    [InlineData("team_a-2", true)]
    [InlineData("", false)]
    [InlineData("has.dot", false)]
    [InlineData("space here", false)]
    public void Ids_are_plain_words(string id, bool valid) => Assert.Equal(valid, ApiKeySecrets.IsValidId(id));
}
