using System.Runtime.InteropServices;
using LayerScope.Errors;
using Microsoft.Win32.SafeHandles;

namespace LayerScope.Storage;

/// <summary>
/// Opens a file someone else may have put in place (a run folder's arrays and JSON files) only when it is a regular
/// file. A FIFO named like an array would otherwise block <c>open</c> until some process writes into it, and a reader
/// that waits forever stalls whatever waits on it (the viewer's run list, every later request). On Linux and macOS the
/// file is opened non-blocking, so neither the open nor any read can wait on a pipe, a socket or a terminal, and a
/// descriptor that cannot seek (what those are) is refused. Regular files ignore the non-blocking flag.
/// </summary>
public static partial class RegularFile
{
    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <param name="path">The file.</param>
    /// <param name="describedBy">The file that named <paramref name="path"/> (a manifest), named in errors; the path
    /// itself when nothing named it.</param>
    /// <param name="field">The field of <paramref name="describedBy"/> that holds the name, named in errors.</param>
    /// <exception cref="DataFormatException">The path is a folder, a FIFO, a socket, a terminal or missing.</exception>
    public static FileStream OpenRead(string path, string describedBy, string field)
    {
        if (Directory.Exists(path)) throw NotRegular(describedBy, field, path, "a folder");
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);

        int flags = OperatingSystem.IsLinux() ? LinuxReadNonBlocking : MacReadNonBlocking;
        int descriptor = Open(path, flags);
        if (descriptor < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            // ENOENT is 2 on both systems; anything else (ENXIO for a socket, EACCES) is "cannot be opened".
            var problem = error == 2 ? "no such file" : $"cannot be opened ({Marshal.GetPInvokeErrorMessage(error)})";
            throw new DataFormatException(describedBy, field, "a readable regular file", $"'{path}' ({problem})");
        }
        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        FileStream stream;
        try
        {
            stream = new FileStream(handle, FileAccess.Read, 1 << 16);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw NotRegular(describedBy, field, path, "a FIFO, socket or terminal");
        }
        return stream;
    }

    private static DataFormatException NotRegular(string describedBy, string field, string path, string what) =>
        new(describedBy, field, "a regular file", $"'{path}' ({what})");

    // open(2) flags: O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, from <fcntl.h> of each system (x86-64 and arm64).
    private const int LinuxReadNonBlocking = 0x800 | 0x100 | 0x80000;
    private const int MacReadNonBlocking = 0x4 | 0x20000 | 0x1000000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);
}
