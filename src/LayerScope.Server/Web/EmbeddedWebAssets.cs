using System.Reflection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace LayerScope.Server.Web;

/// <summary>
/// The front end's files, read from resources embedded in this assembly under logical names <c>wwwroot/…</c>
/// (web/Web.targets embeds web/dist). An <see cref="IFileProvider"/> over a fixed table of names: a request can only
/// reach a name in the table, never the file system.
/// </summary>
internal sealed class EmbeddedWebAssets : IFileProvider
{
    private const string Prefix = "wwwroot/";
    private readonly Assembly _assembly;
    private readonly Dictionary<string, string> _resources;
    private readonly DateTimeOffset _lastModified;

    public EmbeddedWebAssets(Assembly assembly)
    {
        _assembly = assembly;
        // Resource names use the building machine's separator in RecursiveDir; URLs use '/'.
        _resources = assembly.GetManifestResourceNames()
            .Select(name => (Url: name.Replace('\\', '/'), Name: name))
            .Where(r => r.Url.StartsWith(Prefix, StringComparison.Ordinal))
            .ToDictionary(r => r.Url[Prefix.Length..], r => r.Name, StringComparer.Ordinal);
        _lastModified = string.IsNullOrEmpty(assembly.Location) ? DateTimeOffset.UnixEpoch : File.GetLastWriteTimeUtc(assembly.Location);
    }

    /// <summary>The files, by path relative to the web root ("index.html", "assets/app.js").</summary>
    public IReadOnlyCollection<string> Paths => _resources.Keys;

    /// <summary>True when the built front end is embedded.</summary>
    public bool HasIndex => _resources.ContainsKey("index.html");

    public IFileInfo GetFileInfo(string subpath)
    {
        var key = subpath.TrimStart('/');
        return _resources.TryGetValue(key, out var name)
            ? new ResourceFile(_assembly, name, Path.GetFileName(key), _lastModified)
            : new NotFoundFileInfo(subpath);
    }

    public IDirectoryContents GetDirectoryContents(string subpath) => NotFoundDirectoryContents.Singleton;

    public IChangeToken Watch(string filter) => NullChangeToken.Singleton;

    private sealed class ResourceFile(Assembly assembly, string resource, string name, DateTimeOffset lastModified) : IFileInfo
    {
        private long? _length;

        public bool Exists => true;

        public long Length => _length ??= Open().Length;

        public string? PhysicalPath => null;

        public string Name => name;

        public DateTimeOffset LastModified => lastModified;

        public bool IsDirectory => false;

        public Stream CreateReadStream() => Open();

        private Stream Open() => assembly.GetManifestResourceStream(resource)
            ?? throw new FileNotFoundException($"The embedded resource {resource} is missing.");
    }
}
