using System.Text.RegularExpressions;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.Images;
using LayerScope.TensorBoard;
using LayerScope.Testing;
using SkiaSharp;

namespace LayerScope.Tests.TensorBoard;

public class ProjectorFilesTests
{
    [Fact]
    public void Config_names_each_tensor_and_its_files_and_the_tsv_has_a_row_per_point()
    {
        using var folder = new TemporaryFolder();
        var tensors = new[]
        {
            new ProjectorTensor("fc1 (epoch 1)", [1, 2, 3, 4, 5, 6], 3, 2),
            new ProjectorTensor("say \"hi\"", [0.5f, -1e-8f, 7], 3, 1),
        };
        var metadata = new ProjectorMetadata(["class", "text"], [["a", "x"], ["b", "y"], ["a", "z"]]);
        ProjectorFiles.Write(folder.Path, tensors, metadata, new ProjectorSprite([1, 2, 3], 28, 28));

        var config = File.ReadAllText(Path.Combine(folder.Path, ProjectorFiles.ConfigFile));
        var blocks = Regex.Matches(config, @"embeddings \{(.*?)\n\}", RegexOptions.Singleline);
        Assert.Equal(2, blocks.Count);
        Assert.Contains("tensor_name: \"say \\\"hi\\\"\"", blocks[1].Value);
        foreach (Match block in blocks)
        {
            var tensorPath = Regex.Match(block.Value, "tensor_path: \"([^\"]+)\"").Groups[1].Value;
            Assert.True(File.Exists(Path.Combine(folder.Path, tensorPath)), tensorPath);
            Assert.Contains("metadata_path: \"metadata.tsv\"", block.Value);
            Assert.Contains("image_path: \"sprite.png\"", block.Value);
            Assert.Equal(2, Regex.Matches(block.Value, "single_image_dim: 28").Count);
        }
        var rows = File.ReadAllText(Path.Combine(folder.Path, "tensors/000.tsv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["1\t2", "3\t4", "5\t6"], rows);
        var second = File.ReadAllText(Path.Combine(folder.Path, "tensors/001.tsv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([0.5f, -1e-8f, 7f], second.Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Metadata_has_a_header_only_with_several_columns_and_escapes_tabs_and_newlines()
    {
        var one = ProjectorFiles.MetadataTsv(new ProjectorMetadata(["class"], [["genuine"], ["forged"]]));
        Assert.Equal("genuine\nforged\n", one);

        var two = ProjectorFiles.MetadataTsv(new ProjectorMetadata(["class", "text"], [["a", "tab\there"], ["b", "two\nlines\\"]]));
        var lines = two.Split('\n');
        Assert.Equal("class\ttext", lines[0]);
        Assert.Equal(@"a	tab\there", lines[1]);
        Assert.Equal(@"b	two\nlines\\", lines[2]);
        Assert.Equal(4, lines.Length); // three lines and the final newline: no cell broke a row
        Assert.All(lines.Take(3), l => Assert.Equal(2, l.Split('\t').Length));
    }

    [Fact]
    public void Sprite_is_a_square_grid_of_the_images_in_row_major_order()
    {
        // Five 2×3 images (width 2, height 3): a 3×3 grid; image i is filled with grey level i.
        int count = 5, width = 2, height = 3;
        var pixels = Enumerable.Range(0, count).SelectMany(i => Enumerable.Repeat((float)i, width * height)).ToArray();
        var png = SpriteSheet.RenderPng(pixels, count, width, height)!;

        Assert.True(PngHeader.TryReadSize(png, out int w, out int h));
        Assert.Equal((3 * width, 3 * height), (w, h));
        using var bitmap = SKBitmap.Decode(png);
        for (int i = 0; i < count; i++)
        {
            var pixel = bitmap.GetPixel(i % 3 * width + 1, i / 3 * height + 2);
            Assert.InRange(pixel.Red, Math.Floor(i * 255.0 / (count - 1)), Math.Ceiling(i * 255.0 / (count - 1)));
        }
        Assert.Equal(0, bitmap.GetPixel(2 * width, 2 * height).Alpha); // the cell after the last image is empty
    }

    [Fact]
    public void A_sprite_beyond_the_projectors_limit_is_not_made()
    {
        // 7,000 images need 84 columns: 84 × 100 pixels is wider than 8,192.
        Assert.Null(SpriteSheet.RenderPng(new float[7_000 * 100], 7_000, 100, 1));
    }
}
