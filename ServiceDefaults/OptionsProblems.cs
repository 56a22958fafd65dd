using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Validation by the options' own rules, reporting every problem they list with its real message (which value, what
/// is wrong), rather than a fixed "invalid" text or only the first problem.
/// </summary>
public static class OptionsProblems
{
    public static OptionsBuilder<TOptions> ValidateProblems<TOptions>(this OptionsBuilder<TOptions> builder, Func<TOptions, IEnumerable<string>> problems)
        where TOptions : class
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new ProblemsValidation<TOptions>(builder.Name, problems));
        return builder;
    }

    private sealed class ProblemsValidation<TOptions>(string? name, Func<TOptions, IEnumerable<string>> problems) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? optionsName, TOptions options)
        {
            if (name is not null && name != optionsName)
            {
                return ValidateOptionsResult.Skip;
            }

            var found = problems(options).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
