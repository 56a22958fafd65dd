namespace Persistence.Api.DeadLetters;

public static class DeadLetterExtensions
{
    public static IHostApplicationBuilder AddDeadLetters(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DeadLetterStore>();
        return builder;
    }
}
