using LayerScope.Errors;

namespace LayerScope.Data;

/// <summary>A public data set LayerScope knows how to get: its files and where they live in a data directory.</summary>
/// <param name="Name">The short name used on the command line and as its folder in the data directory ("banknote").</param>
/// <param name="Title">The data set's full name and origin, for messages.</param>
/// <param name="License">The license the data is published under.</param>
/// <param name="Files">Its files, under their original names.</param>
public sealed record DataSetInfo(string Name, string Title, string License, IReadOnlyList<DataSetFile> Files)
{
    /// <summary>The command that downloads this data set into the data directory.</summary>
    public string DownloadCommand => $"layerscope data download {Name}";

    /// <summary>The folder, relative to the data directory, holding the files.</summary>
    public string Folder => Name;

    /// <summary>The file called <paramref name="fileName"/>.</summary>
    /// <exception cref="ArgumentException">The data set has no such file.</exception>
    public DataSetFile File(string fileName) =>
        Files.FirstOrDefault(f => f.FileName == fileName)
        ?? throw new ArgumentException(
            $"The {Name} data set has no file {fileName}; its files are {string.Join(", ", Files.Select(f => f.FileName))}.", nameof(fileName));

    /// <summary>Where <paramref name="fileName"/> belongs in <paramref name="dataDirectory"/>, whether or not it is there.</summary>
    public string PathIn(string dataDirectory, string fileName) =>
        Path.Combine(dataDirectory, Folder, File(fileName).FileName);

    /// <summary>The path of <paramref name="fileName"/> in the chosen data directory.</summary>
    /// <exception cref="LayerScopeException">The file is not there. The message names the folder searched, the
    /// setting that chose it, and the command and address to get the file.</exception>
    public string FindFile(string fileName, DataDirectoryChoice dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var file = File(fileName);
        var path = PathIn(dataDirectory.Path, fileName);
        if (System.IO.File.Exists(path)) return path;
        throw new LayerScopeException(
            $"{Folder}/{file.FileName} of the {Title} data set is not in the data directory {dataDirectory.Describe()}. "
            + $"Download it with `{DownloadCommand}`, or fetch {file.Url} and save it as {path}. "
            + $"To use another folder, choose it (DataDirectory setting) or set {DataDirectory.EnvironmentVariable}.");
    }
}
