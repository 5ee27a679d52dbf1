using LayerScope.Data.Images;
using LayerScope.Errors;

namespace LayerScope.Data.Loaders;

/// <summary>Which half of Fashion-MNIST to read.</summary>
public enum FashionMnistSplit
{
    /// <summary>60,000 training images.</summary>
    Train,

    /// <summary>10,000 test images.</summary>
    Test,
}

/// <summary>
/// Reads Fashion-MNIST (Xiao, Rasul, Vollgraf 2017) as published: gzipped IDX files of 28×28 grey images and their
/// labels (10 clothing classes). Pixels are scaled from 0..255 to 0..1.
/// </summary>
public static class FashionMnistLoader
{
    /// <summary>The classes, in label order, as the data set's authors name them.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The image and label file names of <paramref name="split"/>.</summary>
    public static (string Images, string Labels) FileNames(FashionMnistSplit split) => split switch
    {
        FashionMnistSplit.Train => ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
        _ => ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
    };

    /// <summary>Reads <paramref name="split"/> from the data directory chosen by <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="LayerScopeException">A file is missing (the message says how to get it) or malformed.</exception>
    public static LabeledImages Load(DataDirectoryChoice dataDirectory, FashionMnistSplit split)
    {
        var (images, labels) = FileNames(split);
        return Load(DataSetCatalog.FashionMnist.FindFile(images, dataDirectory), DataSetCatalog.FashionMnist.FindFile(labels, dataDirectory));
    }

    /// <summary>Reads an image file ([N, H, W] IDX) and its label file ([N] IDX).</summary>
    /// <exception cref="DataFormatException">A file is not IDX of the right rank, is truncated, the counts differ, or a
    /// label is not a class index; the message names the file and the field.</exception>
    public static LabeledImages Load(string imagesPath, string labelsPath)
    {
        var images = IdxFile.Read(imagesPath, expectedRank: 3);
        var labels = IdxFile.Read(labelsPath, expectedRank: 1);
        if (labels.Dimensions[0] != images.Dimensions[0])
            throw new DataFormatException(labelsPath, "size of dimension 0 (labels)", $"{images.Dimensions[0]}, one per image of {imagesPath}",
                labels.Dimensions[0].ToString());
        var classes = new int[labels.Values.Length];
        for (int i = 0; i < classes.Length; i++)
        {
            classes[i] = labels.Values[i];
            if (classes[i] >= ClassNames.Count)
                throw new DataFormatException(labelsPath, $"label {i}", $"a class index 0..{ClassNames.Count - 1}", classes[i].ToString());
        }
        var pixels = new float[images.Values.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = images.Values[i] / 255f;
        return new LabeledImages(pixels, images.Dimensions[0], images.Dimensions[1], images.Dimensions[2], classes, ClassNames, imagesPath);
    }
}
