namespace LayerScope.Errors;

/// <summary>A data file does not have the expected format. The message names the file, the field (a line, a
/// header key, a column), what was expected and what was found.</summary>
public sealed class DataFormatException : LayerScopeException
{
    public DataFormatException(string file, string field, string expected, string actual)
        : base($"{file}: {field}: expected {expected}, found {actual}.")
    {
        File = file;
        Field = field;
        Expected = expected;
        Actual = actual;
    }

    public string File { get; }
    public string Field { get; }
    public string Expected { get; }
    public string Actual { get; }
}
