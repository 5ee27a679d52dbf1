namespace LayerScope.Storage.Pickle;

// The only values the restricted reader builds. Python ints are boxed longs, str values strings, bytes byte[] and
// True/False bools; everything below stands for one Python object the accepted opcodes can create.

/// <summary>Python's None (a singleton, so a null on the stack can never be mistaken for it).</summary>
internal sealed class PickleNone
{
    public static readonly PickleNone Value = new();
    private PickleNone() { }
}

/// <summary>One of the few globals the reader accepts; never resolved to anything callable.</summary>
internal sealed record PickleGlobal(string Module, string Name, PickleGlobalKind Kind);

internal enum PickleGlobalKind
{
    /// <summary>numpy.core.multiarray._reconstruct (numpy._core in numpy 2): makes an empty array of a subtype.</summary>
    Reconstruct,

    /// <summary>numpy.ndarray, the subtype _reconstruct is given.</summary>
    NdArray,

    /// <summary>numpy.dtype, called with ('O8', False, True) for an object array.</summary>
    Dtype,

    /// <summary>_codecs.encode, which protocol 2 pickles written by Python 3 use for bytes: encode(str, 'latin1').</summary>
    CodecsEncode,
}

internal sealed class PickleTuple(object[] items)
{
    public object[] Items { get; } = items;
}

/// <summary>A Python list. Lists of small ints (every review of Keras' data) stay unboxed.</summary>
internal sealed class PickleList
{
    private List<int>? _ints = [];
    private List<object>? _objects;

    public int Count => _ints?.Count ?? _objects!.Count;

    public void Add(object value)
    {
        if (_ints is not null)
        {
            if (value is long number && number is >= int.MinValue and <= int.MaxValue)
            {
                _ints.Add((int)number);
                return;
            }
            _objects = new List<object>(_ints.Count + 1);
            foreach (var i in _ints) _objects.Add((long)i);
            _ints = null;
        }
        _objects!.Add(value);
    }

    /// <summary>The items as ints, or null when one is not an int that fits 32 bits.</summary>
    public int[]? AsInts() => _ints?.ToArray();

    public object ItemAt(int index) => _ints is not null ? (long)_ints[index] : _objects![index];
}

/// <summary>numpy.dtype(...): the reader accepts only the object dtype.</summary>
internal sealed class PickleDtype(string descr)
{
    public string Descr { get; } = descr;
}

/// <summary>An ndarray made by _reconstruct, filled by BUILD with (version, shape, dtype, is_fortran, items).</summary>
internal sealed class PickleArray
{
    public long[]? Shape { get; set; }
    public PickleList? Items { get; set; }
}
