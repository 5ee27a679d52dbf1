using LayerScope.Dynamics;
using LayerScope.Storage;

namespace LayerScope.TensorBoard;

/// <summary>
/// Collects the events of one TensorBoard run and writes them as one event file, <c>events.out.tfevents.{seconds}.layerscope</c>
/// (TensorBoard finds files by the "tfevents" in their name), atomically on <see cref="Save"/>: a file version event
/// first, then the events in the order added.
/// </summary>
/// <remarks>Not TorchSharp's <c>SummaryWriter</c>: its <c>add_histogram</c> bins raw tensors itself, and a run keeps
/// only counts in bins shared across epochs (dynamics.json), which must reach TensorBoard as they are; it also stamps
/// events with the time of writing and appends to a file of its own naming, where an export must be reproducible and
/// all-or-nothing.</remarks>
public sealed class EventFileWriter : IDisposable
{
    private readonly MemoryStream _buffer = new();
    private readonly TfRecordWriter _records;
    private readonly double _wallTime;

    /// <param name="wallTime">The time stamp of the file and its name; events are stamped with it plus their step in
    /// milliseconds so that TensorBoard's "relative" axis keeps their order.</param>
    public EventFileWriter(DateTimeOffset wallTime)
    {
        _wallTime = wallTime.ToUnixTimeMilliseconds() / 1000.0;
        _records = new TfRecordWriter(_buffer);
        _records.Write(EventMessages.FileVersionEvent(_wallTime));
        FileName = $"events.out.tfevents.{wallTime.ToUnixTimeSeconds()}.layerscope";
    }

    /// <summary>The event file's name.</summary>
    public string FileName { get; }

    /// <summary>Events added, the file version included.</summary>
    public int Count { get; private set; } = 1;

    /// <summary>Adds a scalar; non-finite values are skipped (TensorBoard draws them as gaps anyway).</summary>
    public void AddScalar(string tag, long step, double value)
    {
        if (!double.IsFinite(value)) return;
        _records.Write(EventMessages.ScalarEvent(_wallTime + step / 1000.0, step, tag, (float)value));
        Count++;
    }

    /// <summary>Adds a histogram; empty ones are skipped.</summary>
    public void AddHistogram(string tag, long step, Histogram histogram)
    {
        if (histogram.Count == 0) return;
        _records.Write(EventMessages.HistogramEvent(_wallTime + step / 1000.0, step, tag, histogram));
        Count++;
    }

    /// <summary>Frees the buffered events.</summary>
    public void Dispose() => _buffer.Dispose();

    /// <summary>Writes the file into <paramref name="folder"/> and returns its path.</summary>
    public string Save(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        AtomicFile.WriteAllBytes(path, _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length));
        return path;
    }
}
