namespace Nabla.Core;

/// <summary>
/// Prints a tensor exactly as PyTorch's repr does (torch/_tensor_str.py with the default print options):
/// nested brackets under a "tensor(" prefix, lines wrapped at 80 columns, large tensors summarised to
/// their edges, then suffixes such as dtype, size and grad_fn.
/// </summary>
internal static class TensorFormatter
{
    private const string Prefix = "tensor(";
    private const int Threshold = 1000;
    private const int EdgeItems = 3;
    private const int LineWidth = 80;

    public static string Format(Tensor t)
    {
        int indent = Prefix.Length;
        var body = t.Numel == 0 ? "[]" : Body(t, indent);
        return AddSuffixes(Prefix + body, Suffixes(t), indent);
    }

    /// <summary>The sizes and row-major strides of the flat value array, and whether to elide the middles.</summary>
    private sealed record Grid(int[] Sizes, int[] Strides, bool Summarize);

    private static string Body(Tensor t, int indent)
    {
        var sizes = t.Shape;
        var grid = new Grid(sizes, RowMajorStrides(sizes), t.Numel > Threshold);
        // Like PyTorch, the column width comes only from the elements that will be printed.
        var shown = new List<int>();
        CollectShown(grid, 0, 0, shown);
        var cells = ElementFormatter.Create(t, shown);
        return sizes.Length == 0 ? cells.Format(0) : Block(grid, cells, 0, 0, indent);
    }

    private static int[] RowMajorStrides(int[] sizes)
    {
        var strides = new int[sizes.Length];
        for (int d = sizes.Length - 1, stride = 1; d >= 0; stride *= sizes[d], d--) strides[d] = stride;
        return strides;
    }

    /// <summary>The positions printed along one dimension: all, or the first and last EdgeItems.</summary>
    private static int[] ShownPositions(Grid grid, int dim)
    {
        int size = grid.Sizes[dim];
        if (!IsElided(grid, dim)) return Enumerable.Range(0, size).ToArray();
        return [.. Enumerable.Range(0, EdgeItems), .. Enumerable.Range(size - EdgeItems, EdgeItems)];
    }

    private static bool IsElided(Grid grid, int dim) => grid.Summarize && grid.Sizes[dim] > 2 * EdgeItems;

    private static void CollectShown(Grid grid, int dim, int offset, List<int> shown)
    {
        if (dim == grid.Sizes.Length)
        {
            shown.Add(offset);
            return;
        }
        foreach (int i in ShownPositions(grid, dim))
            CollectShown(grid, dim + 1, offset + i * grid.Strides[dim], shown);
    }

    /// <summary>
    /// A sub-tensor of rank ≥ 1 starting at flat <paramref name="offset"/>. Its children are separated by one
    /// newline per remaining dimension beyond the first, so 2-D blocks of a 3-D tensor get a blank line.
    /// </summary>
    private static string Block(Grid grid, ElementFormatter cells, int dim, int offset, int indent)
    {
        if (dim == grid.Sizes.Length - 1) return Vector(grid, cells, offset, indent);
        var slices = ShownPositions(grid, dim)
            .Select(i => Block(grid, cells, dim + 1, offset + i * grid.Strides[dim], indent + 1))
            .ToList();
        if (IsElided(grid, dim)) slices.Insert(EdgeItems, "...");
        int remaining = grid.Sizes.Length - dim;
        var separator = "," + new string('\n', remaining - 1) + new string(' ', indent + 1);
        return "[" + string.Join(separator, slices) + "]";
    }

    /// <summary>
    /// The innermost dimension, wrapped so each line holds as many "value, " cells as fit in the line width
    /// after the indent. The " ..." marker counts as a cell even though it is not padded.
    /// </summary>
    private static string Vector(Grid grid, ElementFormatter cells, int offset, int indent)
    {
        int dim = grid.Sizes.Length - 1;
        var items = ShownPositions(grid, dim).Select(i => cells.Format(offset + i * grid.Strides[dim])).ToList();
        if (IsElided(grid, dim)) items.Insert(EdgeItems, " ...");
        int perLine = Math.Max(1, (LineWidth - indent) / (cells.Width + 2));
        var lines = items.Chunk(perLine).Select(line => string.Join(", ", line));
        return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
    }

    private static List<string> Suffixes(Tensor t)
    {
        var suffixes = new List<string>();
        var dtype = "dtype=" + t.DType.TorchName();
        if (t.Numel == 0)
        {
            // "[]" says nothing about shape or kind, so PyTorch shows any shape but (0,) and any dtype
            // but the default float one (an empty int64 tensor does print its dtype).
            if (t.Dim != 1) suffixes.Add("size=(" + string.Join(", ", t.Shape) + ")");
            if (t.DType != DTypes.Default) suffixes.Add(dtype);
        }
        else if (t.DType != DTypes.Default && t.DType is not (DType.Int64 or DType.Bool))
        {
            suffixes.Add(dtype);
        }
        if (t.GradFn is { } node) suffixes.Add($"grad_fn=<{node.Name}>");
        else if (t.RequiresGrad) suffixes.Add("requires_grad=True");
        return suffixes;
    }

    /// <summary>
    /// Appends ", suffix" for each suffix, moving it to a new line indented under the prefix when it would
    /// overflow the line width. The last-line length deliberately reproduces PyTorch's arithmetic
    /// (len - rfind("\n") + 1, two more than the visible line), since that decides where it wraps.
    /// </summary>
    private static string AddSuffixes(string text, List<string> suffixes, int indent)
    {
        var sb = new System.Text.StringBuilder(text);
        int lastLineLength = text.Length - text.LastIndexOf('\n') + 1;
        foreach (var suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > LineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLength = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }
}
