using MySqlConnector;

namespace Integration.Tests.Translations;

/// <summary>
/// A job as a worker leaves it between claiming and storing: its content, and the job translating under a lease,
/// written straight to the database so a test can decide who holds the lease and for how long.
/// </summary>
public static class LeasedJob
{
    /// <summary>Inserts one en→fr job of a new content; returns the content's hash.</summary>
    public static async Task<string> InsertAsync(MySqlConnection db, string jobId, string businessId, string text, string leaseOwner, int leaseSeconds)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray()));
        await using var insert = new MySqlCommand(
            """
            INSERT INTO translation_contents (content_hash, source_lang, text, context, created_at, row_version)
            VALUES (@hash, 'en', @text, NULL, UTC_TIMESTAMP(6), REPEAT(0x00, 24));
            INSERT INTO translation_jobs (job_id, business_id, content_hash, source_lang, target_lang, status, attempts,
                lease_owner, lease_expires_at, next_attempt_at, created_at, updated_at, row_version)
            VALUES (@job, @business, @hash, 'en', 'fr', 'translating', 1, @owner,
                UTC_TIMESTAMP(6) + INTERVAL @lease SECOND, UTC_TIMESTAMP(6) + INTERVAL @lease SECOND, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6),
                REPEAT(0x00, 24));
            """,
            db);
        insert.Parameters.AddWithValue("@hash", hash);
        insert.Parameters.AddWithValue("@text", text);
        insert.Parameters.AddWithValue("@job", jobId);
        insert.Parameters.AddWithValue("@business", businessId);
        insert.Parameters.AddWithValue("@owner", leaseOwner);
        insert.Parameters.AddWithValue("@lease", leaseSeconds);
        await insert.ExecuteNonQueryAsync();
        return hash;
    }
}
