using LayerScope.Errors;
using LayerScope.Models;
using LayerScope.Models.Zoo;
using LayerScope.Testing;
using TorchSharp;

namespace LayerScope.Tests.Models;

public class SavedWeightShapesTests
{
    [Fact]
    public void The_shapes_read_from_a_saved_module_are_its_parameters_and_buffers_shapes()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("model.dat");
        torch.manual_seed(1);
        using var model = new ImdbBiLstm(vocabulary: 300, embeddingSize: 16, units: 8);
        model.save(path);

        var shapes = SavedWeightShapes.Read(path);

        var expected = model.state_dict();
        Assert.Equal(expected.Keys.Order(), shapes.Keys.Order());
        foreach (var (name, tensor) in expected) Assert.Equal(tensor.shape, shapes[name]);
        Assert.Equal(300, shapes.Extent(path, "embedding.weight", 0));
    }

    [Fact]
    public void A_zoo_model_built_for_its_weights_has_the_trained_sizes()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("model.dat");
        using (var trained = ImdbBiGru.Create(vocabulary: 123, embeddingSize: 6, units: 5)) trained.save(path);

        using var built = ModelZoo.Get("imdb-bigru").CreateFor(path);

        // Loads strictly: every tensor by name and shape.
        built.load(path, strict: true);
        Assert.Equal([123L, 6], built.state_dict()["embedding.weight"].shape);
    }

    [Fact]
    public void A_truncated_weights_file_is_refused_naming_the_file_and_the_tensor()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("model.dat");
        using (var model = new ImdbBiLstm(vocabulary: 50, embeddingSize: 4, units: 3)) model.save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<DataFormatException>(() => SavedWeightShapes.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weights_file_without_the_tensor_a_size_comes_from_is_refused_naming_it()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("banknote.dat");
        using (var other = new BanknoteMlp([2])) other.save(path);

        var error = Assert.Throws<DataFormatException>(() => ModelZoo.Get("imdb-bilstm").CreateFor(path));

        Assert.Contains("embedding.weight", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
