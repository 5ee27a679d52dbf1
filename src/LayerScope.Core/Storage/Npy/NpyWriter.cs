using System.Text;

namespace LayerScope.Storage.Npy;

/// <summary>Writes NPY version 1.0 files. TEMP stand-in until the storage branch is merged.</summary>
public static class NpyWriter
{
    public static void Write(string path, NpyArray a)
    {
        ArgumentNullException.ThrowIfNull(a);
        string descr = a.ElementType switch
        {
            NpyElementType.Float32 => "<f4",
            NpyElementType.Float64 => "<f8",
            NpyElementType.Int64 => "<i8",
            NpyElementType.Int32 => "<i4",
            _ => throw new NotSupportedException($"NPY stand-in: {a.ElementType} is not supported."),
        };
        string shape = a.Shape.Length == 1 ? $"({a.Shape[0]},)" : "(" + string.Join(", ", a.Shape) + ")";
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        ReadOnlySpan<byte> bytes = a.Data switch
        {
            float[] f => System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.AsSpan()),
            double[] d => System.Runtime.InteropServices.MemoryMarshal.AsBytes(d.AsSpan()),
            long[] l => System.Runtime.InteropServices.MemoryMarshal.AsBytes(l.AsSpan()),
            int[] i => System.Runtime.InteropServices.MemoryMarshal.AsBytes(i.AsSpan()),
            _ => throw new NotSupportedException(),
        };
        stream.Write(bytes);
    }
}
