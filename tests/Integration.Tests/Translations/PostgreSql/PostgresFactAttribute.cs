namespace Integration.Tests.Translations.PostgreSql;

/// <summary>
/// A test that needs a PostgreSQL server, named by <c>POSTGRES_TEST_CONNECTION</c>; without it the test is skipped
/// and says why, so a run without PostgreSQL shows these as skipped rather than passed.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "POSTGRES_TEST_CONNECTION";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(ConnectionString))
        {
            Skip = $"{Variable} is not set; give it a PostgreSQL connection string (Host=…;Port=…;Username=…;Password=…;Database=…) to run the translation feature on PostgreSQL.";
        }
    }

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable);
}
