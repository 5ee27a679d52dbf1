using System.Buffers.Binary;
using System.Text;
using LayerScope.Errors;

namespace LayerScope.Storage.Pickle;

/// <summary>
/// Reads the one kind of pickle numpy writes for a 1-D object array whose elements are lists of Python ints, as
/// Keras' <c>imdb.npz</c> stores its reviews, and nothing else. It is an interpreter of a small, fixed subset of the
/// pickle machine (protocols 2 to 5, binary opcodes only), not an unpickler: the four globals it accepts are matched
/// by name and interpreted here (never looked up, imported or called), and any other opcode or global is refused
/// with an <see cref="UnsafePickleException"/> before anything further is read. Malformed input (truncated data,
/// wrong stack contents) is a <see cref="DataFormatException"/>; no input can make it throw anything else.
/// </summary>
/// <remarks>Format: Python's <c>Lib/pickletools.py</c> documents every opcode; numpy's
/// <c>ndarray.__reduce__</c> gives <c>(_reconstruct, (ndarray, (0,), b'b'), (1, shape, dtype, is_fortran, items))</c>
/// and <c>dtype.__reduce__</c> gives <c>(dtype, ('O8', False, True), (3, '|', None, None, None, -1, -1, 63))</c>.
/// Every opcode consumes at least one byte and creates at most one value, so memory stays proportional to the input.</remarks>
public static class RestrictedUnpickler
{
    private const int MaxGlobalLength = 256;

    /// <summary>The elements of the pickled 1-D object array in <paramref name="pickle"/>, each a list of ints.</summary>
    /// <param name="pickle">The pickle bytes (for an .npy object array: everything after the header).</param>
    /// <param name="file">The file holding it, for messages.</param>
    /// <param name="entry">Where in the file it is (an npz entry such as "x_train.npy"), for messages.</param>
    /// <exception cref="UnsafePickleException">An opcode or a global other than those of such an array.</exception>
    /// <exception cref="DataFormatException">The pickle is malformed or holds something other than a 1-D object array
    /// of int lists.</exception>
    public static IReadOnlyList<int[]> ReadIntListArray(ReadOnlySpan<byte> pickle, string file, string entry)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(entry);
        var machine = new Machine(file, entry);
        var result = machine.Run(pickle);
        if (result is not PickleArray { Shape: { } shape, Items: { } items })
            throw machine.Malformed(pickle.Length, "a numpy array (made by _reconstruct and filled by BUILD)", Describe(result));
        if (shape.Length != 1 || shape[0] != items.Count)
            throw machine.Malformed(pickle.Length, "a 1-D object array with one item per element",
                $"shape ({string.Join(", ", shape)}) with {items.Count} items");
        var lists = new int[items.Count][];
        for (var i = 0; i < lists.Length; i++)
        {
            lists[i] = items.ItemAt(i) is PickleList list
                ? list.AsInts() ?? throw machine.Malformed(pickle.Length, $"element {i} to be a list of ints of at most 32 bits", "another value in the list")
                : throw machine.Malformed(pickle.Length, $"element {i} to be a list of ints", Describe(items.ItemAt(i)));
        }
        return lists;
    }

    internal static string Describe(object? value) => value switch
    {
        null => "nothing",
        long => "an int",
        bool => "a bool",
        string => "a str",
        byte[] => "bytes",
        PickleNone => "None",
        PickleGlobal g => $"the global {g.Module}.{g.Name}",
        PickleTuple t => $"a tuple of {t.Items.Length}",
        PickleList => "a list",
        PickleDtype => "a dtype",
        PickleArray => "an array",
        _ => value.GetType().Name,
    };

    private sealed class Machine(string file, string entry)
    {
        private readonly List<object> _stack = [];
        private readonly List<int> _marks = [];
        private readonly Dictionary<long, object> _memo = [];
        private int _opcodeAt;

        public object Run(ReadOnlySpan<byte> data)
        {
            var position = 0;
            while (true)
            {
                if (position >= data.Length) throw Malformed(position, "the STOP opcode ('.') ending the pickle", "the end of the data");
                _opcodeAt = position;
                var opcode = data[position++];
                if (position == 1 && opcode != 0x80) throw Refused("a pickle without PROTO (protocols 0 and 1; only 2 to 5 are read)");
                switch (opcode)
                {
                    case 0x80: // PROTO
                        var protocol = Take(data, ref position, 1)[0];
                        if (position != 2) throw Malformed(_opcodeAt, "PROTO only as the first opcode", "a second PROTO");
                        if (protocol is < 2 or > 5) throw Refused($"pickle protocol {protocol} (only protocols 2 to 5 are read)");
                        break;
                    case 0x95: // FRAME: a length prefix for buffering; the opcodes inside are read as usual.
                        Take(data, ref position, 8);
                        break;
                    case (byte)'.': // STOP
                        var result = Pop("a value to return");
                        return result;
                    case (byte)'(': // MARK
                        _marks.Add(_stack.Count);
                        break;
                    case (byte)')': Push(new PickleTuple([])); break; // EMPTY_TUPLE
                    case (byte)']': Push(new PickleList()); break; // EMPTY_LIST
                    case (byte)'N': Push(PickleNone.Value); break; // NONE
                    case 0x88: Push(true); break; // NEWTRUE
                    case 0x89: Push(false); break; // NEWFALSE
                    case (byte)'K': Push((long)Take(data, ref position, 1)[0]); break; // BININT1
                    case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(data, ref position, 2))); break; // BININT2
                    case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(data, ref position, 4))); break; // BININT
                    case 0x8a: // LONG1: n bytes, little-endian two's complement
                        var size = Take(data, ref position, 1)[0];
                        var bytes = Take(data, ref position, size);
                        if (size > 8) throw Malformed(_opcodeAt, "an int of at most 64 bits", $"a {size}-byte int");
                        long value = 0;
                        for (var i = size - 1; i >= 0; i--) value = (value << 8) | bytes[i];
                        if (size is > 0 and < 8 && (bytes[size - 1] & 0x80) != 0) value -= 1L << (8 * size);
                        Push(value);
                        break;
                    case (byte)'t': Push(new PickleTuple(PopToMark())); break; // TUPLE
                    case 0x85: Push(new PickleTuple(PopMany(1))); break; // TUPLE1
                    case 0x86: Push(new PickleTuple(PopMany(2))); break; // TUPLE2
                    case 0x87: Push(new PickleTuple(PopMany(3))); break; // TUPLE3
                    case (byte)'a': // APPEND
                        var item = Pop("an item to append");
                        Peek<PickleList>("a list to append to").Add(item);
                        break;
                    case (byte)'e': // APPENDS
                        var items = PopToMark();
                        var list = Peek<PickleList>("a list to append to");
                        foreach (var each in items) list.Add(each);
                        break;
                    case (byte)'q': Memoize(Take(data, ref position, 1)[0]); break; // BINPUT
                    case (byte)'r': Memoize(BinaryPrimitives.ReadUInt32LittleEndian(Take(data, ref position, 4))); break; // LONG_BINPUT
                    case 0x94: Memoize(_memo.Count); break; // MEMOIZE
                    case (byte)'h': Recall(Take(data, ref position, 1)[0]); break; // BINGET
                    case (byte)'j': Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(data, ref position, 4))); break; // LONG_BINGET
                    case 0x8c: Push(Text(Take(data, ref position, Take(data, ref position, 1)[0]), Encoding.UTF8)); break; // SHORT_BINUNICODE
                    case (byte)'X': Push(Text(Take(data, ref position, Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(data, ref position, 4)))), Encoding.UTF8)); break; // BINUNICODE
                    case 0x8d: Push(Text(Take(data, ref position, Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(data, ref position, 8)))), Encoding.UTF8)); break; // BINUNICODE8
                    // Python 2's str (SHORT_BINSTRING, BINSTRING): numpy reads old pickles with encoding 'latin1'.
                    case (byte)'U': Push(Text(Take(data, ref position, Take(data, ref position, 1)[0]), Encoding.Latin1)); break;
                    case (byte)'T': Push(Text(Take(data, ref position, Length(BinaryPrimitives.ReadInt32LittleEndian(Take(data, ref position, 4)))), Encoding.Latin1)); break;
                    case (byte)'C': Push(Take(data, ref position, Take(data, ref position, 1)[0]).ToArray()); break; // SHORT_BINBYTES
                    case (byte)'B': Push(Take(data, ref position, Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(data, ref position, 4)))).ToArray()); break; // BINBYTES
                    case (byte)'c': // GLOBAL: "module\nname\n"
                        var module = Line(data, ref position);
                        var name = Line(data, ref position);
                        Push(Global(module, name));
                        break;
                    case 0x93: // STACK_GLOBAL
                        var globalName = Pop("the global's name (a str)");
                        var globalModule = Pop("the global's module (a str)");
                        if (globalModule is not string moduleText || globalName is not string nameText)
                            throw Malformed(_opcodeAt, "a module and a name (two str) for STACK_GLOBAL", $"{Describe(globalModule)} and {Describe(globalName)}");
                        Push(Global(moduleText, nameText));
                        break;
                    case (byte)'R': // REDUCE
                        var arguments = Pop("the argument tuple of REDUCE") as PickleTuple
                            ?? throw Malformed(_opcodeAt, "an argument tuple for REDUCE", "another value");
                        var callable = Pop("the global REDUCE applies");
                        Push(Reduce(callable, arguments.Items));
                        break;
                    case (byte)'b': // BUILD
                        var state = Pop("the state BUILD sets");
                        Build(Peek<object>("an object for BUILD"), state);
                        break;
                    default:
                        throw Refused($"opcode 0x{opcode:x2} ({OpcodeName(opcode)})");
                }
            }
        }

        private PickleGlobal Global(string module, string name)
        {
            PickleGlobalKind? kind = (module, name) switch
            {
                ("numpy.core.multiarray" or "numpy._core.multiarray", "_reconstruct") => PickleGlobalKind.Reconstruct,
                ("numpy", "ndarray") => PickleGlobalKind.NdArray,
                ("numpy", "dtype") => PickleGlobalKind.Dtype,
                ("_codecs", "encode") => PickleGlobalKind.CodecsEncode,
                _ => null,
            };
            return kind is { } known ? new PickleGlobal(module, name, known) : throw Refused($"global {module}.{name}");
        }

        private object Reduce(object callable, object[] arguments)
        {
            switch (callable)
            {
                case PickleGlobal { Kind: PickleGlobalKind.Reconstruct }
                    when arguments is [PickleGlobal { Kind: PickleGlobalKind.NdArray }, PickleTuple, string or byte[]]:
                    return new PickleArray();
                case PickleGlobal { Kind: PickleGlobalKind.Dtype } when arguments is [string descr, bool, bool]:
                    if (descr is not ("O8" or "O4" or "O"))
                        throw Malformed(_opcodeAt, "the object dtype ('O8'), the only dtype of arrays of lists", $"dtype '{descr}'");
                    return new PickleDtype(descr);
                case PickleGlobal { Kind: PickleGlobalKind.CodecsEncode } when arguments is [string text, "latin1" or "latin-1"]:
                    if (text.Any(c => c > 0xff)) throw Malformed(_opcodeAt, "latin-1 text for _codecs.encode", "a character above U+00FF");
                    return Encoding.Latin1.GetBytes(text);
                case PickleGlobal global:
                    throw Malformed(_opcodeAt, ExpectedCall(global.Kind),
                        $"{global.Module}.{global.Name}({string.Join(", ", arguments.Select(Describe))})");
                default:
                    throw Malformed(_opcodeAt, "an accepted global for REDUCE to apply", Describe(callable));
            }
        }

        private static string ExpectedCall(PickleGlobalKind kind) => kind switch
        {
            PickleGlobalKind.Reconstruct => "_reconstruct(ndarray, shape, bytes)",
            PickleGlobalKind.Dtype => "dtype(str, bool, bool)",
            PickleGlobalKind.CodecsEncode => "_codecs.encode(str, 'latin1')",
            _ => "numpy.ndarray only as _reconstruct's first argument",
        };

        private void Build(object target, object state)
        {
            switch (target)
            {
                case PickleDtype when state is PickleTuple:
                    return; // (version, byte order, subarray, names, fields, itemsize, alignment, flags) of 'O8': nothing to keep.
                case PickleArray { Shape: null } array
                    when state is PickleTuple { Items: [long, PickleTuple shape, PickleDtype, bool fortran, PickleList items] }:
                    var dimensions = new long[shape.Items.Length];
                    for (var i = 0; i < dimensions.Length; i++)
                        dimensions[i] = shape.Items[i] is long d and >= 0 ? d : throw Malformed(_opcodeAt, "an array shape of non-negative ints", Describe(shape.Items[i]));
                    if (fortran && dimensions.Length > 1) throw Malformed(_opcodeAt, "a C-ordered array", "a Fortran-ordered one");
                    array.Shape = dimensions;
                    array.Items = items;
                    return;
                case PickleArray:
                    throw Malformed(_opcodeAt, "an object array's state (version, shape, dtype('O8'), is_fortran, list of items) for BUILD",
                        state is PickleTuple t ? $"a tuple of {string.Join(", ", t.Items.Select(Describe))}" : Describe(state));
                default:
                    throw Malformed(_opcodeAt, "an array or a dtype for BUILD to fill", Describe(target));
            }
        }

        private void Push(object value) => _stack.Add(value);

        private object Pop(string what)
        {
            var floor = _marks.Count > 0 ? _marks[^1] : 0;
            if (_stack.Count <= floor) throw Malformed(_opcodeAt, what, _stack.Count == 0 ? "an empty stack" : "a MARK");
            var value = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            return value;
        }

        private T Peek<T>(string what) where T : class
        {
            var floor = _marks.Count > 0 ? _marks[^1] : 0;
            if (_stack.Count <= floor) throw Malformed(_opcodeAt, what, _stack.Count == 0 ? "an empty stack" : "a MARK");
            return _stack[^1] as T ?? throw Malformed(_opcodeAt, what, Describe(_stack[^1]));
        }

        private object[] PopMany(int count)
        {
            var values = new object[count];
            for (var i = count - 1; i >= 0; i--) values[i] = Pop($"{count} values for a tuple");
            return values;
        }

        private object[] PopToMark()
        {
            if (_marks.Count == 0) throw Malformed(_opcodeAt, "a MARK before the items", "no MARK");
            var mark = _marks[^1];
            _marks.RemoveAt(_marks.Count - 1);
            var values = _stack.GetRange(mark, _stack.Count - mark).ToArray();
            _stack.RemoveRange(mark, _stack.Count - mark);
            return values;
        }

        private void Memoize(long index)
        {
            if (_stack.Count == 0) throw Malformed(_opcodeAt, "a value to memoize", "an empty stack");
            _memo[index] = _stack[^1];
        }

        private void Recall(long index) =>
            Push(_memo.TryGetValue(index, out var value) ? value : throw Malformed(_opcodeAt, $"memo entry {index} to have been stored", "no such entry"));

        private ReadOnlySpan<byte> Take(ReadOnlySpan<byte> data, ref int position, int count)
        {
            if (count < 0 || count > data.Length - position)
                throw Malformed(_opcodeAt, $"{count} more bytes for the opcode", $"{data.Length - position} before the end of the data");
            var taken = data.Slice(position, count);
            position += count;
            return taken;
        }

        /// <summary>A length field as an int; anything beyond int range cannot fit in the data anyway.</summary>
        private int Length(long length) => length is >= 0 and <= int.MaxValue ? (int)length : -1;

        private int Length(ulong length) => length <= int.MaxValue ? (int)length : -1;

        private string Text(ReadOnlySpan<byte> bytes, Encoding encoding)
        {
            try
            {
                return (encoding == Encoding.UTF8 ? StrictUtf8 : encoding).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw Malformed(_opcodeAt, "UTF-8 text", "bytes that are not UTF-8");
            }
        }

        private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

        private string Line(ReadOnlySpan<byte> data, ref int position)
        {
            var rest = data[position..];
            var end = rest[..Math.Min(rest.Length, MaxGlobalLength)].IndexOf((byte)'\n');
            if (end < 0) throw Malformed(_opcodeAt, $"a module or global name ending in a newline within {MaxGlobalLength} bytes", "no newline");
            position += end + 1;
            return Text(rest[..end], Encoding.UTF8);
        }

        public DataFormatException Malformed(long offset, string expected, string actual) =>
            new(file, $"{entry}: pickle byte {offset}", expected, actual);

        private UnsafePickleException Refused(string what) => new(file, entry, _opcodeAt, what);
    }

    /// <summary>The name pickletools gives an opcode, for refusals.</summary>
    internal static string OpcodeName(byte opcode) => opcode switch
    {
        (byte)'i' => "INST",
        (byte)'o' => "OBJ",
        0x81 => "NEWOBJ",
        0x92 => "NEWOBJ_EX",
        (byte)'P' => "PERSID",
        (byte)'Q' => "BINPERSID",
        0x82 or 0x83 or 0x84 => "EXT",
        (byte)'I' => "INT",
        (byte)'L' => "LONG",
        0x8b => "LONG4",
        (byte)'F' => "FLOAT",
        (byte)'G' => "BINFLOAT",
        (byte)'S' => "STRING",
        (byte)'V' => "UNICODE",
        0x8e => "BINBYTES8",
        0x96 => "BYTEARRAY8",
        0x97 => "NEXT_BUFFER",
        0x98 => "READONLY_BUFFER",
        (byte)'d' => "DICT",
        (byte)'}' => "EMPTY_DICT",
        (byte)'s' => "SETITEM",
        (byte)'u' => "SETITEMS",
        (byte)'l' => "LIST",
        0x8f => "EMPTY_SET",
        0x90 => "ADDITEMS",
        0x91 => "FROZENSET",
        (byte)'p' => "PUT",
        (byte)'g' => "GET",
        (byte)'0' => "POP",
        (byte)'1' => "POP_MARK",
        (byte)'2' => "DUP",
        _ => "not a pickle opcode",
    };
}
