namespace Persistence.Contracts;

/// <summary>
/// What a key may do. The gateway enforces them: each scope is also the name of the authorization policy a route asks
/// for. The API only states them in its document, and keys and bearer tokens carry them in <see cref="ClaimType"/>.
/// </summary>
public static class Scopes
{
    /// <summary>Write batches and wait on the flush barrier.</summary>
    public const string Ingest = "ingest";

    /// <summary>Query and recovery reads.</summary>
    public const string Read = "read";

    /// <summary>Statistics, garbage collection, dead letters.</summary>
    public const string Admin = "admin";

    /// <summary>Approve, reject and re-queue translations.</summary>
    public const string Review = "review";

    /// <summary>The claim a key's or a token's scopes are carried in.</summary>
    public const string ClaimType = "scope";

    public static readonly IReadOnlyList<string> All = [Ingest, Read, Admin, Review];
}
