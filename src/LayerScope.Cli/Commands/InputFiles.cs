using LayerScope.Errors;
using LayerScope.Onnx;

namespace LayerScope.Cli.Commands;

/// <summary>The repeatable <c>--input FILE</c> / <c>--input-name NAME</c> pair of the commands that feed an ONNX
/// model (capture, gradient): the n-th name names the model input the n-th file feeds.</summary>
internal static class InputFiles
{
    public static IReadOnlyList<OnnxInputSource> Sources(string[]? files, string[]? names)
    {
        files ??= [];
        names ??= [];
        if (names.Length > files.Length)
            throw new InvalidSettingsException([$"--input-name given {names.Length} times but --input {files.Length} times; pair each name with a file."]);
        return files.Select((file, i) => OnnxInputSource.FromFile(file, i < names.Length ? names[i] : null)).ToList();
    }
}
