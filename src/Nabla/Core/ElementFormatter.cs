using System.Globalization;

namespace Nabla.Core;

/// <summary>
/// Turns one element into its padded text, like torch._tensor_str._Formatter: the style and the common
/// width are chosen once, from the elements that will actually be printed.
/// </summary>
internal sealed class ElementFormatter
{
    private const int Precision = 4;

    private readonly Func<int, string> _text;

    private ElementFormatter(Func<int, string> text, int width)
    {
        _text = text;
        Width = width;
    }

    /// <summary>The width every element is right-aligned to.</summary>
    public int Width { get; }

    /// <summary>The element at flat (row-major) index <paramref name="index"/>, padded on the left to <see cref="Width"/>.</summary>
    public string Format(int index) => _text(index).PadLeft(Width);

    /// <summary>
    /// A formatter for <paramref name="t"/> sized from the elements at <paramref name="shown"/>. Only those elements
    /// are read, straight from storage: printing the edges of a huge (even expanded) tensor copies nothing else.
    /// </summary>
    public static ElementFormatter Create(Tensor t, IReadOnlyList<int> shown)
    {
        if (t.DType == DType.Bool)
        {
            var flags = Read(shown, i => t.ReadFlatInt64(i) != 0);
            return FromText(i => flags[i] ? "True" : "False", shown);
        }
        if (!t.IsFloatingPoint)
        {
            var ints = Read(shown, t.ReadFlatInt64);
            return FromText(i => ints[i].ToString(CultureInfo.InvariantCulture), shown);
        }
        // Float32 values widen exactly to double, which is also what PyTorch formats (via item()/tolist()).
        return ForFloats(Read(shown, t.ReadFlatDouble), shown);
    }

    /// <summary>The shown elements by their row-major position.</summary>
    private static Dictionary<int, T> Read<T>(IReadOnlyList<int> shown, Func<int, T> read)
    {
        var values = new Dictionary<int, T>(shown.Count);
        foreach (var i in shown) values[i] = read(i);
        return values;
    }

    /// <summary>Integers and booleans: the width is the longest text, at least 1.</summary>
    private static ElementFormatter FromText(Func<int, string> text, IReadOnlyList<int> shown)
    {
        int width = shown.Select(i => text(i).Length).Append(1).Max();
        return new ElementFormatter(text, width);
    }

    private enum FloatStyle { Integral, Fixed, Scientific }

    /// <summary>
    /// Floats: only nonzero finite values choose the style and the width, so zeros, nan and inf never widen
    /// the columns (nan and inf may then stick out, exactly as in PyTorch).
    /// </summary>
    private static ElementFormatter ForFloats(Dictionary<int, double> values, IReadOnlyList<int> shown)
    {
        var decisive = shown.Select(i => values[i]).Where(v => double.IsFinite(v) && v != 0).ToArray();
        var style = ChooseStyle(decisive);
        int width = decisive.Select(v => Render(v, style).Length).Append(1).Max();
        return new ElementFormatter(i => Render(values[i], style), width);
    }

    private static FloatStyle ChooseStyle(double[] decisive)
    {
        if (decisive.Length == 0) return FloatStyle.Integral;
        double max = decisive.Max(Math.Abs);
        double min = decisive.Min(Math.Abs);
        bool wideRange = max / min > 1000.0 || max > 1.0e8;
        if (decisive.All(v => v == Math.Ceiling(v)))
            return wideRange ? FloatStyle.Scientific : FloatStyle.Integral;
        // Only non-integral values switch to scientific for being tiny.
        return wideRange || min < 1.0e-4 ? FloatStyle.Scientific : FloatStyle.Fixed;
    }

    /// <summary>
    /// The unpadded text of one value. Integral style appends "." to finite values so the tensor still
    /// reads as floating point ("14."); nan and inf stay bare.
    /// </summary>
    private static string Render(double v, FloatStyle style) => style switch
    {
        FloatStyle.Scientific => PyFloatFormat.Scientific(v, Precision),
        FloatStyle.Fixed => PyFloatFormat.Fixed(v, Precision),
        _ => double.IsFinite(v) ? PyFloatFormat.Fixed(v, 0) + "." : PyFloatFormat.Fixed(v, 0),
    };
}
