namespace LayerScope.Errors;

/// <summary>
/// Base of every error LayerScope expects a user to cause (bad file, bad setting, unknown layer). The command line
/// shows its message alone, without a stack trace, and exits with a non-zero code; anything else is a bug.
/// </summary>
public class LayerScopeException : Exception
{
    public LayerScopeException(string message) : base(message) { }
    public LayerScopeException(string message, Exception inner) : base(message, inner) { }
}
