namespace LayerScope.Server;

/// <summary>
/// What the server has loaded from run files (arrays as float32, strings, highlights, neighbour indexes), shared by
/// every run and bounded by bytes: when a load takes the total past <see cref="CapacityBytes"/>, the entries used
/// longest ago are dropped and loaded again when asked for. Without a bound the server grew by every run a user
/// opened (about 18 MB each; 1.1 GB after 60 runs). Loads run outside the cache's lock, so a slow file never stalls
/// answers from what is already loaded; concurrent requests for one entry share one load.
/// </summary>
internal sealed class RunDataCache(long capacityBytes)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new(); // most recently used first
    private long _bytes;

    /// <summary>The most bytes kept; one entry larger than this is still kept, alone.</summary>
    public long CapacityBytes { get; } = capacityBytes;

    /// <summary>The bytes held by loaded entries.</summary>
    public long Bytes
    {
        get { lock (_lock) return _bytes; }
    }

    /// <summary>The number of entries held (loaded or loading).</summary>
    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    /// <summary>The value under <paramref name="key"/>, loaded by <paramref name="load"/> (which also says how many
    /// bytes it holds) when it is not held. A load that throws is not kept, so a later request tries again.</summary>
    public T GetOrAdd<T>(string key, Func<(T Value, long Bytes)> load) where T : class
    {
        Entry entry;
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                entry = node.Value;
            }
            else
            {
                entry = new Entry(key, new Lazy<(object, long)>(() => load(), LazyThreadSafetyMode.ExecutionAndPublication));
                _entries[key] = _recency.AddFirst(entry);
            }
        }

        (object Value, long Bytes) loaded;
        try
        {
            loaded = entry.Load.Value;
        }
        catch
        {
            lock (_lock) Remove(entry);
            throw;
        }
        lock (_lock)
        {
            if (!entry.Counted && _entries.TryGetValue(key, out var node) && ReferenceEquals(node.Value, entry))
            {
                entry.Counted = true;
                entry.Bytes = Math.Max(0, loaded.Bytes);
                _bytes += entry.Bytes;
                Evict(keep: entry);
            }
        }
        return (T)loaded.Value;
    }

    private void Evict(Entry keep)
    {
        var node = _recency.Last;
        while (_bytes > CapacityBytes && node is not null)
        {
            var previous = node.Previous;
            // Entries still loading have no size yet; they are counted (and may be dropped) when they finish.
            if (node.Value != keep && node.Value.Counted) Remove(node.Value);
            node = previous;
        }
    }

    private void Remove(Entry entry)
    {
        if (!_entries.TryGetValue(entry.Key, out var node) || !ReferenceEquals(node.Value, entry)) return;
        _entries.Remove(entry.Key);
        _recency.Remove(node);
        if (entry.Counted) _bytes -= entry.Bytes;
    }

    private sealed class Entry(string key, Lazy<(object Value, long Bytes)> load)
    {
        public string Key { get; } = key;

        public Lazy<(object Value, long Bytes)> Load { get; } = load;

        public bool Counted { get; set; }

        public long Bytes { get; set; }
    }
}
