using System.Globalization;
using System.Text;

namespace Nabla.Core;

/// <summary>Prints a tensor the way PyTorch's repr does.</summary>
internal static class TensorFormatter
{
    public static string Format(Tensor t)
    {
        var values = t.ToArray<double>();
        bool isFloat = t.IsFloatingPoint;
        bool allIntegral = values.All(v => !double.IsFinite(v) || v == Math.Floor(v));
        string Cell(double v)
        {
            if (t.DType == DType.Bool) return v != 0 ? "True" : "False";
            if (!isFloat) return ((long)v).ToString(CultureInfo.InvariantCulture);
            if (double.IsNaN(v)) return "nan";
            if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
            return allIntegral ? v.ToString("0", CultureInfo.InvariantCulture) + "." : v.ToString("0.0000", CultureInfo.InvariantCulture);
        }
        var cells = values.Select(Cell).ToArray();
        int width = cells.Length == 0 ? 0 : cells.Max(c => c.Length);
        var sb = new StringBuilder("tensor(");
        var sizes = t.Shape;
        int pos = 0;
        void Emit(int dim, int indent)
        {
            if (dim == sizes.Length) { sb.Append(cells[pos++].PadLeft(width)); return; }
            sb.Append('[');
            for (int i = 0; i < sizes[dim]; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                    if (dim == sizes.Length - 1) sb.Append(' ');
                    else sb.Append('\n', sizes.Length - dim - 1).Append(' ', indent + 1);
                }
                Emit(dim + 1, indent + 1);
            }
            sb.Append(']');
        }
        Emit(0, "tensor(".Length);
        if (t.Numel == 0) sb.Append($", size={Errors.Shape(sizes).Replace('[', '(').Replace(']', ')')}");
        if (t.DType is not (DType.Float32 or DType.Int64 or DType.Bool)) sb.Append($", dtype={t.DType.TorchName()}");
        if (t.GradFn is { } fn) sb.Append($", grad_fn=<{fn.Name}>");
        else if (t.RequiresGrad) sb.Append(", requires_grad=True");
        return sb.Append(')').ToString();
    }
}
