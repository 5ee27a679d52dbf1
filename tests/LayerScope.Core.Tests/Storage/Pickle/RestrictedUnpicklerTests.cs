using LayerScope.Errors;
using LayerScope.Storage.Pickle;

namespace LayerScope.Tests.Storage.Pickle;

public class RestrictedUnpicklerTests
{
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Storage", "Pickle", "Fixtures", name);

    private static readonly int[][] TestReviews = [[6, 9, 7, 8], [2]];

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void An_object_array_of_int_lists_pickled_by_numpy_reads_back_in_every_protocol(int protocol)
    {
        var bytes = File.ReadAllBytes(Fixture($"object_array_protocol{protocol}.pkl"));

        var lists = RestrictedUnpickler.ReadIntListArray(bytes, "a.npz", "x_test.npy");

        Assert.Equal(TestReviews, lists);
    }

    [Theory]
    [InlineData("os_system.pkl", "global os.system")]
    [InlineData("builtins_eval.pkl", "global builtins.eval")]
    public void A_pickle_naming_another_global_is_refused_before_anything_runs(string fixture, string refused)
    {
        var bytes = File.ReadAllBytes(Fixture(fixture));

        var error = Assert.Throws<UnsafePickleException>(() => RestrictedUnpickler.ReadIntListArray(bytes, "imdb.npz", "entry x_train.npy"));

        Assert.Equal(refused, error.Refused);
        Assert.Equal("imdb.npz", error.File);
        Assert.Equal("entry x_train.npy", error.Entry);
        Assert.StartsWith($"imdb.npz: entry x_train.npy: byte {error.Offset}: refused {refused}.", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'}', (byte)'.' }, "opcode 0x7d (EMPTY_DICT)")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'(', (byte)'i', (byte)'o', (byte)'s', 0x0a }, "opcode 0x69 (INST)")]
    [InlineData(new byte[] { 0x80, 0x02, 0x81 }, "opcode 0x81 (NEWOBJ)")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'G', 0, 0, 0, 0, 0, 0, 0, 0 }, "opcode 0x47 (BINFLOAT)")]
    [InlineData(new byte[] { (byte)'(', (byte)'l', (byte)'.' }, "a pickle without PROTO (protocols 0 and 1; only 2 to 5 are read)")]
    [InlineData(new byte[] { 0x80, 0x01, (byte)'.' }, "pickle protocol 1 (only protocols 2 to 5 are read)")]
    public void Opcodes_an_object_array_does_not_need_are_refused_by_name(byte[] pickle, string refused)
    {
        var error = Assert.Throws<UnsafePickleException>(() => RestrictedUnpickler.ReadIntListArray(pickle, "f", "e"));
        Assert.Equal(refused, error.Refused);
    }

    [Fact]
    public void A_truncated_pickle_or_one_of_another_shape_is_a_format_error()
    {
        var bytes = File.ReadAllBytes(Fixture("object_array_protocol4.pkl"));
        var truncated = Assert.Throws<DataFormatException>(() => RestrictedUnpickler.ReadIntListArray(bytes.AsSpan(0, bytes.Length - 3), "f", "x.npy"));
        Assert.StartsWith("x.npy: pickle byte", truncated.Field);

        // A list of ints that is not inside an array: PROTO 2, EMPTY_LIST, BININT1 5, APPEND, STOP.
        var notArray = Assert.Throws<DataFormatException>(() => RestrictedUnpickler.ReadIntListArray([0x80, 2, (byte)']', (byte)'K', 5, (byte)'a', (byte)'.'], "f", "x.npy"));
        Assert.Contains("a numpy array", notArray.Expected);
        Assert.Equal("a list", notArray.Actual);
    }

    [Fact]
    public void Hundreds_of_byte_mutations_of_a_valid_pickle_give_its_arrays_or_a_LayerScope_error_and_nothing_else()
    {
        var random = new Random(20111);
        var outcomes = new Dictionary<string, int>();
        foreach (var protocol in new[] { 2, 5 })
        {
            var original = File.ReadAllBytes(Fixture($"object_array_protocol{protocol}.pkl"));
            for (var trial = 0; trial < 300; trial++)
            {
                var mutated = (byte[])original.Clone();
                var changes = 1 + random.Next(3);
                for (var c = 0; c < changes; c++)
                {
                    var at = random.Next(mutated.Length);
                    mutated[at] = random.Next(3) switch
                    {
                        0 => (byte)random.Next(256),
                        1 => (byte)(mutated[at] ^ (1 << random.Next(8))),
                        _ => original[random.Next(original.Length)],
                    };
                }
                var cut = random.Next(4) == 0 ? random.Next(mutated.Length) : mutated.Length;
                string outcome;
                try
                {
                    var lists = RestrictedUnpickler.ReadIntListArray(mutated.AsSpan(0, cut), "f", "e");
                    Assert.All(lists, Assert.NotNull);
                    outcome = "read";
                }
                catch (UnsafePickleException) { outcome = "refused"; }
                catch (DataFormatException) { outcome = "malformed"; }
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }
        // Each kind of outcome occurs, so the mutations reach past the first opcode.
        Assert.Equal(["malformed", "read", "refused"], outcomes.Keys.Order());
    }
}
