namespace LayerScope.Data;

/// <summary>One file of a data set, under its original name, with where to get it and its checksum.</summary>
/// <param name="FileName">The original file name, also its name inside the data set's folder.</param>
/// <param name="Url">The official download address.</param>
/// <param name="Sha256">The SHA-256 of the file, lower-case hex, to verify downloads and spot corrupted copies.</param>
public sealed record DataSetFile(string FileName, Uri Url, string Sha256);
