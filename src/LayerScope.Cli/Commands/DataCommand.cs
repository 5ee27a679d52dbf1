using System.CommandLine;
using LayerScope.Cli.Terminal;
using LayerScope.Errors;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope data list|download</c>: which data sets are where, and fetching them with checksums.</summary>
internal static class DataCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var command = new Command("data", "List the known data sets and download them into the data folder.");
        command.Subcommands.Add(List(terminal));
        command.Subcommands.Add(Download(terminal));
        return command;
    }

    private static Option<string?> DataOption() =>
        new("--data") { Description = $"Data folder (default: {DataDirectory.EnvironmentVariable}, else the per-user cache)." };

    private static Command List(CliTerminal terminal)
    {
        var data = DataOption();
        var command = new Command("list", "Show every known data set, its files and whether they are in the data folder.") { data };
        command.SetAction(parse =>
        {
            var folder = DataDirectory.Choose(parse.GetValue(data));
            terminal.Out.WriteLine($"data folder: {folder.Describe()}");
            foreach (var set in DataSetCatalog.All)
            {
                terminal.Out.WriteLine();
                terminal.Out.WriteLine($"{set.Name}: {set.Title} ({set.License})");
                foreach (var file in set.Files)
                {
                    bool present = File.Exists(set.PathIn(folder.Path, file.FileName));
                    terminal.Out.WriteLine($"  [{(present ? "present" : "missing")}] {set.Folder}/{file.FileName}  {file.Url}");
                }
            }
            return 0;
        });
        return command;
    }

    private static Command Download(CliTerminal terminal)
    {
        var name = new Argument<string>("name") { Description = $"The data set: {string.Join(", ", DataSetCatalog.All.Select(s => s.Name))}." };
        var data = DataOption();
        var mirror = new Option<string?>("--mirror")
        {
            Description = "Fetch from a mirror instead of the original sites: files are read from MIRROR/<data set>/<file name>. "
                + "Checksums are verified either way.",
        };
        var command = new Command("download", "Download a data set (SHA-256 verified, cached, written atomically).") { name, data, mirror };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var set = DataSetCatalog.Get(parse.GetValue(name)!);
            var folder = DataDirectory.Choose(parse.GetValue(data));
            var mirrorText = parse.GetValue(mirror);
            if (mirrorText is not null)
            {
                if (!Uri.TryCreate(mirrorText, UriKind.Absolute, out var mirrorUrl) || (mirrorUrl.Scheme != Uri.UriSchemeHttp && mirrorUrl.Scheme != Uri.UriSchemeHttps))
                    throw new InvalidSettingsException([$"--mirror '{mirrorText}' is not an http or https address such as https://example.org/datasets/."]);
                var root = mirrorUrl.AbsoluteUri.TrimEnd('/');
                set = set with { Files = set.Files.Select(f => f with { Url = new Uri($"{root}/{set.Folder}/{f.FileName}") }).ToList() };
            }
            using var downloader = new Downloader();
            var paths = await ProgressDisplay.Run(terminal, progress => downloader.DownloadAsync(set, folder.Path, progress, cancellationToken));
            foreach (var path in paths) terminal.Out.WriteLine(path);
            return 0;
        });
        return command;
    }
}
