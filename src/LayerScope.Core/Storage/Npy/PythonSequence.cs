namespace LayerScope.Storage.Npy;

/// <summary>A Python tuple or list read from an .npy header. Kept apart because a list descr means a structured
/// dtype while a tuple shape is the normal case.</summary>
internal sealed record PythonSequence(bool IsTuple, IReadOnlyList<object?> Items);
