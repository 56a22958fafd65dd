namespace Persistence.Api.Queries;

public static class QueryExtensions
{
    public static IHostApplicationBuilder AddQueries(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<QueryOptions>()
            .BindConfiguration(QueryOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.DefaultPageSize <= o.MaxPageSize, "Query:DefaultPageSize must not exceed Query:MaxPageSize.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SessionQueries>();
        builder.Services.AddSingleton<TaskQueries>();
        builder.Services.AddSingleton<ReadConsistency>();
        return builder;
    }
}
