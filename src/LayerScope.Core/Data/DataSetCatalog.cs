using LayerScope.Errors;

namespace LayerScope.Data;

/// <summary>The public data sets LayerScope's demos and tests use, with their official download addresses and
/// checksums. Files keep their original names and formats; loaders read them as published.</summary>
public static class DataSetCatalog
{
    private const string Uci = "https://archive.ics.uci.edu/ml/machine-learning-databases/";
    private const string FashionMnistBase = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    /// <summary>Banknote authentication (UCI; Lohweg 2012): 1372 rows of 4 wavelet features and a class.</summary>
    public static DataSetInfo Banknote { get; } = new("banknote", "Banknote authentication (UCI, Lohweg 2012)", "CC BY 4.0",
    [
        new("data_banknote_authentication.txt", new Uri(Uci + "00267/data_banknote_authentication.txt"),
            "50573e4d341c0c211668136a8b83b592b8dda436520785c3cc3d536fe407a157"),
    ]);

    /// <summary>Japanese Vowels (UCI; Kudo, Toyama, Shimbo 1999): 640 sequences of 12 LPC cepstrum coefficients from 9
    /// speakers.</summary>
    public static DataSetInfo JapaneseVowels { get; } = new("japanese-vowels", "Japanese Vowels (UCI, Kudo, Toyama, Shimbo 1999)", "CC BY 4.0",
    [
        new("ae.train", new Uri(Uci + "JapaneseVowels-mld/ae.train"), "7ae33b2b678b6c0df7a4137e5b82e127e95d63b2e2d7764e7e4ea3fe1b659935"),
        new("ae.test", new Uri(Uci + "JapaneseVowels-mld/ae.test"), "7894594714a3186f8961c75535654cdc6bd232d3dd97d7c04c99bfa3013f57a9"),
        new("size_ae.train", new Uri(Uci + "JapaneseVowels-mld/size_ae.train"), "571607e771f5bcc03fe5213b8e7cfc67f0a26aade2a9f2202c2c6bf955d887be"),
        new("size_ae.test", new Uri(Uci + "JapaneseVowels-mld/size_ae.test"), "68db3381c31a102dd688dd74a7865532edb6d55f291ca86a60a9ed711208db86"),
    ]);

    /// <summary>Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 70000 grey 28x28 images of clothing in 10 classes, IDX
    /// files, gzipped.</summary>
    public static DataSetInfo FashionMnist { get; } = new("fashion-mnist", "Fashion-MNIST (Xiao, Rasul, Vollgraf 2017)", "MIT",
    [
        new("train-images-idx3-ubyte.gz", new Uri(FashionMnistBase + "train-images-idx3-ubyte.gz"), "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
        new("train-labels-idx1-ubyte.gz", new Uri(FashionMnistBase + "train-labels-idx1-ubyte.gz"), "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
        new("t10k-images-idx3-ubyte.gz", new Uri(FashionMnistBase + "t10k-images-idx3-ubyte.gz"), "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
        new("t10k-labels-idx1-ubyte.gz", new Uri(FashionMnistBase + "t10k-labels-idx1-ubyte.gz"), "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
    ]);

    /// <summary>Tiny Shakespeare (Karpathy's char-rnn corpus): 1,115,394 characters of plain text.</summary>
    public static DataSetInfo TinyShakespeare { get; } = new("tinyshakespeare", "Tiny Shakespeare (Karpathy's char-rnn corpus)", "public domain text",
    [
        new("input.txt", new Uri("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"),
            "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"),
    ]);

    /// <summary>The Large Movie Review Dataset v1.0 (Maas et al., ACL 2011; "aclImdb"): 25,000 training and 25,000
    /// test reviews from IMDb, half positive and half negative, plus 50,000 unlabelled ones, as the original archive.
    /// The checksum is the one the archive is widely published with (it matches the Stanford file).</summary>
    public static DataSetInfo Imdb { get; } = new("imdb", "Large Movie Review Dataset v1.0 (Maas et al., ACL 2011)", "free for research use (Stanford AI Lab)",
    [
        new("aclImdb_v1.tar.gz", new Uri("https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"),
            "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"),
    ]);

    /// <summary>Every known data set, in the order the help text lists them.</summary>
    public static IReadOnlyList<DataSetInfo> All { get; } = [Banknote, JapaneseVowels, FashionMnist, TinyShakespeare, Imdb];

    /// <summary>The data set called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="LayerScopeException">No data set has that name; the message lists the names.</exception>
    public static DataSetInfo Get(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new LayerScopeException(
            $"Unknown data set '{name}'; the known data sets are {string.Join(", ", All.Select(d => d.Name))}.");
}
