namespace Gateway.ApiKeys;

public static class AuthenticatedKeyExtensions
{
    /// <summary>The key this request authenticated with, once <see cref="ApiKeyAuthenticationHandler"/> accepted it.</summary>
    public static ApiKey? AuthenticatedKey(this HttpContext context) =>
        context.Items.TryGetValue(typeof(ApiKey), out var key) ? key as ApiKey : null;

    internal static void SetAuthenticatedKey(this HttpContext context, ApiKey key) => context.Items[typeof(ApiKey)] = key;
}
