using Nabla.Data;
using Nabla.IO;

namespace Nabla.Train;

/// <summary>Fashion-MNIST from its four IDX files, as normalised (N, 1, 28, 28) float images and Int64 labels.</summary>
public static class FashionMnist
{
    /// <summary>The ten classes, in label order.</summary>
    public static readonly string[] Classes =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    // The training set's pixel mean and standard deviation (of x / 255), as torchvision examples use them.
    private const double Mean = 0.2860, Std = 0.3530;

    /// <summary>The training or test split found in <paramref name="directory"/> (file names with or without .gz).</summary>
    /// <exception cref="FileNotFoundException">A file of the split is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or images and labels disagree.</exception>
    public static TensorDataset Load(string directory, bool train, int limit = 0)
    {
        string prefix = train ? "train" : "t10k";
        var images = IdxFile.Read(Find(directory, $"{prefix}-images-idx3-ubyte"));
        var labels = IdxFile.Read(Find(directory, $"{prefix}-labels-idx1-ubyte"));
        if (images.Dim != 3 || images.Size(1) != 28 || images.Size(2) != 28 || images.DType != DType.UInt8)
            throw new InvalidDataException($"{prefix} images: expected UInt8 (N, 28, 28), got {images.DType} [{string.Join(", ", images.Shape)}]");
        if (labels.Dim != 1 || labels.Size(0) != images.Size(0))
            throw new InvalidDataException($"{prefix} labels: expected {images.Size(0)} labels, got shape [{string.Join(", ", labels.Shape)}]");
        if (limit > 0 && limit < images.Size(0))
        {
            images = images[..limit];
            labels = labels[..limit];
        }
        var x = ((images.To(DType.Float32) / 255.0 - Mean) / Std).Unsqueeze(1).Contiguous();
        return new TensorDataset(x, labels.To(DType.Int64));
    }

    /// <summary>The raw 0-255 pixels of an image of a batch made by <see cref="Load"/>.</summary>
    public static Tensor Pixels(Tensor normalised) => ((normalised * Std + Mean) * 255.0 + 0.5).Clamp(0, 255).To(DType.UInt8); // +0.5 then truncation rounds

    private static string Find(string directory, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name, name.Replace("-idx", ".idx") + ".gz", name.Replace("-idx", ".idx") })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"Fashion-MNIST: '{name}[.gz]' not found in '{directory}'", Path.Combine(directory, name));
    }
}
