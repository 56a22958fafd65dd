using System.Security.Cryptography;
using System.Text;

namespace Gateway.ApiKeys;

/// <summary>
/// The key format and its hashing. A key reads <c>&lt;id&gt;.&lt;secret&gt;</c>: the id finds the configured hash
/// without trying every key, and only the secret part is hashed and compared.
/// </summary>
public static class ApiKeySecrets
{
    public const char Separator = '.';

    private const int SecretBytes = 32;
    private const int SaltBytes = 16;

    public static bool TryParse(ReadOnlySpan<char> presented, out string id, out string secret)
    {
        id = secret = "";
        var dot = presented.IndexOf(Separator);
        if (dot <= 0 || dot == presented.Length - 1 || presented.Length > 512)
        {
            return false;
        }

        id = presented[..dot].ToString();
        secret = presented[(dot + 1)..].ToString();
        return true;
    }

    /// <summary>A new key for <paramref name="id"/>: the key to hand out once, and the salt and hash to configure.</summary>
    public static (string Key, string Salt, string Hash) Create(string id)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException("A key id uses letters, digits, '-' and '_' only (at most 64).", nameof(id));
        }

        var secret = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SaltBytes));
        return ($"{id}{Separator}{secret}", salt, Convert.ToHexStringLower(Hash(secret, salt)));
    }

    public static byte[] Hash(string secret, string saltHex) =>
        HMACSHA256.HashData(Convert.FromHexString(saltHex), Encoding.UTF8.GetBytes(secret));

    /// <summary>Constant-time: how long this takes says nothing about how much of the secret was right.</summary>
    public static bool Matches(string secret, byte[] salt, byte[] expectedHash) =>
        CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(secret)), expectedHash);

    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
