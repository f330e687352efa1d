namespace Nabla.Train;

/// <summary>Counts of (true class, predicted class) pairs, with the accuracy and per-class precision and recall they give.</summary>
public sealed class ConfusionMatrix(int classes)
{
    private readonly long[,] _counts = new long[classes, classes];

    /// <summary>The number of classes.</summary>
    public int Classes { get; } = classes;

    /// <summary>How many images of class <paramref name="truth"/> were predicted as <paramref name="predicted"/>.</summary>
    public long this[int truth, int predicted] => _counts[truth, predicted];

    /// <summary>All pairs counted so far.</summary>
    public long Total { get; private set; }

    /// <summary>Counts one batch of labels and predictions (1-d integer tensors of equal length).</summary>
    public void Add(Tensor labels, Tensor predictions)
    {
        var truth = labels.ToArray<long>();
        var guess = predictions.ToArray<long>();
        if (truth.Length != guess.Length) throw new ArgumentException($"{truth.Length} labels but {guess.Length} predictions");
        for (int i = 0; i < truth.Length; i++) _counts[truth[i], guess[i]]++;
        Total += truth.Length;
    }

    /// <summary>The fraction of pairs on the diagonal.</summary>
    public double Accuracy => Total == 0 ? 0 : Enumerable.Range(0, Classes).Sum(c => _counts[c, c]) / (double)Total;

    /// <summary>Of the images predicted as <paramref name="c"/>, the fraction that are (NaN when none were).</summary>
    public double Precision(int c) => Ratio(_counts[c, c], Enumerable.Range(0, Classes).Sum(t => _counts[t, c]));

    /// <summary>Of the images of class <paramref name="c"/>, the fraction predicted as such (NaN when there were none).</summary>
    public double Recall(int c) => Ratio(_counts[c, c], Enumerable.Range(0, Classes).Sum(p => _counts[c, p]));

    private static double Ratio(long part, long whole) => whole == 0 ? double.NaN : part / (double)whole;
}
