using Microsoft.Extensions.Options;

namespace Gateway.Tests;

/// <summary>Options that never change, for the classes that read them through a monitor.</summary>
public sealed class StaticMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
