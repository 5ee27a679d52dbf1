using LayerScope.Errors;

namespace LayerScope.Testing;

/// <summary>
/// Seeded mutants of a valid file, for parsers that must answer every input with a result or a
/// <see cref="LayerScopeException"/>, never with another exception (an internal error), a hang or a crash. The same
/// seed gives the same mutants on every machine (System.Random with a seed is stable across .NET versions), so a
/// failure names a mutant that can be rebuilt and debugged.
/// </summary>
public static class MutationFuzz
{
    /// <summary>Values that sit on boundaries of the encodings these parsers read: zero, sign bits, varint
    /// continuation bits, ASCII brackets, quotes and digits.</summary>
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, (byte)'[', (byte)'(', (byte)'{', (byte)'\'', (byte)',', (byte)'9', (byte)'-', (byte)'\n'];

    /// <summary><paramref name="count"/> mutants of <paramref name="valid"/>; each applies one to four edits (bit flips,
    /// boundary bytes, truncation, deleted, repeated or inserted runs).</summary>
    public static IEnumerable<byte[]> Mutants(byte[] valid, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(valid);
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            var bytes = new List<byte>(valid);
            int edits = 1 + random.Next(4);
            for (int e = 0; e < edits; e++) Edit(bytes, random);
            yield return [.. bytes];
        }
    }

    /// <summary>Runs <paramref name="parse"/> on every mutant and fails, listing each offender, when one throws
    /// anything but a <see cref="LayerScopeException"/>.</summary>
    public static void AssertOnlyTypedErrors(byte[] valid, Action<byte[]> parse, int count = 300, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var failures = new List<string>();
        int index = 0, refused = 0;
        foreach (var mutant in Mutants(valid, count, seed))
        {
            try
            {
                parse(mutant);
            }
            catch (LayerScopeException)
            {
                refused++;
            }
            catch (Exception error)
            {
                failures.Add($"mutant {index} (seed {seed}, {mutant.Length} bytes): {error.GetType().Name}: {error.Message}");
            }
            index++;
        }
        if (failures.Count > 0)
            throw new Xunit.Sdk.XunitException($"{failures.Count} of {count} mutants ended in an untyped error:\n" + string.Join("\n", failures.Take(20)));
        // A mutation scheme that never breaks the file tests nothing.
        if (refused == 0) throw new Xunit.Sdk.XunitException($"None of the {count} mutants was refused; the mutations do not reach the parser.");
    }

    private static void Edit(List<byte> bytes, Random random)
    {
        if (bytes.Count == 0)
        {
            bytes.Add(Interesting[random.Next(Interesting.Length)]);
            return;
        }
        int at = random.Next(bytes.Count);
        switch (random.Next(7))
        {
            case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
            case 1: bytes[at] = Interesting[random.Next(Interesting.Length)]; break;
            case 2: bytes[at] = (byte)random.Next(256); break;
            case 3: bytes.RemoveRange(at, bytes.Count - at); break; // truncate
            case 4: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16))); break;
            case 5:
            {
                int length = Math.Min(bytes.Count - at, 1 + random.Next(16));
                bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(at, length)); // repeat a run elsewhere
                break;
            }
            default:
            {
                var run = new byte[1 + random.Next(8)];
                random.NextBytes(run);
                bytes.InsertRange(at, run);
                break;
            }
        }
    }
}
