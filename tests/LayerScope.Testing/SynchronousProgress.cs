namespace LayerScope.Testing;

/// <summary>An <see cref="IProgress{T}"/> that calls its handler on the reporting thread, at once.</summary>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
