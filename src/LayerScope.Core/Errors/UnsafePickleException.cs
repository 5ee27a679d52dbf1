namespace LayerScope.Errors;

/// <summary>A pickle names something LayerScope's restricted reader does not accept: an opcode or a global outside
/// what a numpy object array of integer lists needs. Nothing it names has been looked up or run.</summary>
public sealed class UnsafePickleException : LayerScopeException
{
    public UnsafePickleException(string file, string entry, long offset, string refused)
        : base($"{file}: {entry}: byte {offset}: refused {refused}. LayerScope reads only numpy object arrays of integer "
            + "lists from pickles (numpy's _reconstruct, ndarray and dtype, lists, tuples and ints) and never runs what a pickle names.")
    {
        File = file;
        Entry = entry;
        Offset = offset;
        Refused = refused;
    }

    /// <summary>The file holding the pickle.</summary>
    public string File { get; }

    /// <summary>Where in the file the pickle is (an archive entry such as "x_train.npy").</summary>
    public string Entry { get; }

    /// <summary>The byte of the pickle where the refused opcode starts.</summary>
    public long Offset { get; }

    /// <summary>What was refused: "global os.system" or "opcode 0x69 (INST)".</summary>
    public string Refused { get; }
}
