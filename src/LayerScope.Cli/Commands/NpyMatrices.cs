using LayerScope.Errors;

namespace LayerScope.Cli.Commands;

/// <summary>Reads and writes the matrices and labels of the reduction commands as NPY files.</summary>
internal static class NpyMatrices
{
    /// <summary>A 2-D array as a float matrix (a 1-D array is one column).</summary>
    public static DenseMatrix ReadMatrix(string path)
    {
        var array = NpyReader.Read(path);
        if (array.Shape.Length is not (1 or 2))
            throw new DataFormatException(path, "shape", "a 2-D array (points × dimensions)", $"{array.Shape.Length} dimensions ({string.Join(" × ", array.Shape)})");
        // NpyReader caps each dimension at Array.MaxLength, so both fit in an int.
        int rows = (int)array.Shape[0];
        int columns = array.Shape.Length == 2 ? (int)array.Shape[1] : 1;
        var matrix = new DenseMatrix(array.ToFloat32(), rows, columns);
        matrix.EnsureFinite(path);
        return matrix;
    }

    /// <summary>Integer labels, one per point.</summary>
    public static int[] ReadLabels(string path, int points)
    {
        var array = NpyReader.Read(path);
        if (array.Shape.Length != 1 && !(array.Shape.Length == 2 && array.Shape[1] == 1))
            throw new DataFormatException(path, "shape", "a 1-D array of labels", string.Join(" × ", array.Shape));
        var labels = array.ToInt64();
        if (labels.Length != points)
            throw new DataFormatException(path, "length", $"{points} labels (one per point of X)", $"{labels.Length}");
        var result = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] is < int.MinValue or > int.MaxValue)
                throw new DataFormatException(path, $"label {i}", "a whole number that fits in 32 bits", $"{labels[i]}");
            result[i] = (int)labels[i];
        }
        return result;
    }

    /// <summary>Writes <paramref name="matrix"/> as a float32 (rows × columns) array, atomically (NpyWriter writes
    /// through AtomicFile: a temporary beside the target, renamed over it).</summary>
    public static void Write(string path, DenseMatrix matrix) =>
        NpyWriter.Write(path, NpyArray.Create(matrix.Values, matrix.Rows, matrix.Columns));
}
