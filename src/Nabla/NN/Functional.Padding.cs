using Nabla.Core;

namespace Nabla.NN;

/// <summary>torch.nn.functional.</summary>
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.pad. <paramref name="pad"/> lists (left, right) pairs starting from the last dim;
    /// negative pads crop. <see cref="PadMode.Constant"/> fills with <paramref name="value"/>; Reflect, Replicate and
    /// Circular pad the last 1, 2 or 3 dims of an input with 1 or 2 leading (batch, channel) dims.
    /// </summary>
    /// <exception cref="ArgumentException">An odd-length or too long <paramref name="pad"/>, a value with a non-constant mode, or a pad the mode cannot make (e.g. reflect by as much as the size).</exception>
    /// <exception cref="NotSupportedException">A non-constant mode on an input of the wrong rank, or reflect/replicate on Bool.</exception>
    public static Tensor Pad(Tensor input, int[] pad, PadMode mode = PadMode.Constant, double? value = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(pad);
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a PadMode");
        Errors.Check(pad.Length % 2 == 0, "Padding length must be divisible by 2");
        Errors.Check(pad.Length / 2 <= input.Dim,
            $"Padding length should be less than or equal to two times the input dimension but got padding length {pad.Length} and input of dimension {input.Dim}");
        if (mode == PadMode.Constant) return ConstantPad(input, pad, value ?? 0);
        // Recent PyTorch lets an explicit zero through for the other modes; any other value is an error.
        Errors.Check(value is null || value == 0, $"Padding mode \"{mode.ToString().ToLowerInvariant()}\" doesn't take in value argument");
        CheckNonConstantRank(input.Dim, pad.Length);
        return mode switch
        {
            PadMode.Reflect => ReflectionPad(input, pad),
            PadMode.Replicate => ReplicationPad(input, pad),
            _ => CircularPad(input, pad),
        };
    }

    private static Tensor ConstantPad(Tensor input, int[] pad, double value)
    {
        int n = input.Dim;
        var cropped = input.Detach();
        var outShape = input.Shape;
        for (int k = 0; k < pad.Length / 2; k++)
        {
            int d = n - 1 - k, left = pad[2 * k], right = pad[2 * k + 1];
            int size = input.Size(d), newSize = size + left + right;
            if (newSize < 0)
                throw Errors.Runtime("narrow(): length must be non-negative."); // libtorch 2.10 crops before its own size check
            outShape[d] = newSize;
            int start = Math.Max(-left, 0), stop = size - Math.Max(-right, 0);
            cropped = cropped.Narrow(d, start, Math.Max(stop - start, 0));
        }
        // Without a positive pad the result is a copy of the cropped input and the fill value is never converted.
        var y = pad.Any(p => p > 0) ? Tensor.Full(outShape, value, input.DType) : Tensor.Zeros(outShape, input.DType);
        var region = Region(pad, n);
        Kernels.Copy.Into(cropped, region(y));
        var inverse = pad.Select(p => -p).ToArray();
        return Graph.Record(y, Derivatives.ConstantPadNdBackward0, [input], inverse, static (g, _, _, inverse) => [ConstantPad(g, inverse, 0)]);
    }

    /// <summary>The view of a padded tensor that holds the (cropped) input.</summary>
    private static Func<Tensor, Tensor> Region(int[] pad, int n) => t =>
    {
        for (int k = 0; k < pad.Length / 2; k++)
        {
            int d = n - 1 - k;
            int start = Math.Max(pad[2 * k], 0), stop = t.Size(d) - Math.Max(pad[2 * k + 1], 0);
            t = t.Narrow(d, start, Math.Max(stop - start, 0));
        }
        return t;
    };

    // reflect / replicate / circular: every output element is a copy of one input element, so each mode is a
    // source-index formula per padded dim (those of PyTorch's kernels), applied as a gather along that dim; the
    // backward adds each output gradient into its source position.

    /// <summary>The input position (along one dim of <paramref name="size"/>) that output position <paramref name="j"/> copies.</summary>
    private delegate int SourceIndex(int j, int size, int left, int right);

    /// <summary>One gather: along <see cref="Dim"/> of a tensor shaped <see cref="InputShape"/>, take <see cref="Index"/>.</summary>
    private readonly record struct GatherStep(int Dim, Tensor Index, int[] InputShape);

    /// <summary>The kernels exist for 1, 2 or 3 padded dims behind 1 or 2 un-padded leading dims.</summary>
    private static void CheckNonConstantRank(int rank, int padLength)
    {
        int padded = padLength / 2;
        if (padded is >= 1 and <= 3 && (rank == padded + 1 || rank == padded + 2)) return;
        throw Errors.NotImplemented(
            $"Padding size {padLength} is not supported for {rank}D input tensor.\n" +
            "Supported combinations for non-constant padding:\n" +
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n" +
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n" +
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)");
    }

    private static Tensor ReflectionPad(Tensor input, int[] pad)
    {
        CheckNonEmpty(input, pad.Length / 2);
        for (int k = 0; k < pad.Length / 2; k++)
        {
            int d = input.Dim - 1 - k, left = pad[2 * k], right = pad[2 * k + 1];
            // A reflection cannot reach past the far edge, so each pad must be smaller than the dim.
            if (left >= input.Size(d) || right >= input.Size(d))
                throw Errors.Runtime($"Argument #{4 + 2 * k}: Padding size should be less than the corresponding input dimension, but got: padding ({left}, {right}) at dimension {d} of input {Errors.Shape(input.Sizes)}");
        }
        CheckOutputSize(input, pad, replicate: false);
        CheckNotBool(input, $"reflection_pad{pad.Length / 2}d"); // libtorch checks sizes before the dtype
        return RecordedGather(input, pad, ReflectSource, Derivatives.ReflectionPadBackward(pad.Length / 2));
    }

    private static Tensor ReplicationPad(Tensor input, int[] pad)
    {
        CheckNonEmpty(input, pad.Length / 2);
        CheckOutputSize(input, pad, replicate: true);
        CheckNotBool(input, $"replication_pad{pad.Length / 2}d"); // libtorch checks sizes before the dtype
        return RecordedGather(input, pad, ReplicateSource, Derivatives.ReplicationPadBackward(pad.Length / 2));
    }

    /// <summary>
    /// PyTorch builds circular padding from slices and copies, so its gradient comes from autograd; the gather used
    /// here is differentiable and accumulates the same way.
    /// </summary>
    private static Tensor CircularPad(Tensor input, int[] pad)
    {
        for (int k = pad.Length / 2 - 1; k >= 0; k--) // PyTorch checks the outermost padded dim first
        {
            int size = input.Size(-1 - k), left = pad[2 * k], right = pad[2 * k + 1];
            Errors.Check(left <= size && right <= size, "Padding value causes wrapping around more than once.");
            Errors.Check(size + left + right >= 0, "Negative padding value is resulting in an empty dimension");
        }
        // The wrap-around copies from the cropped core inside the output, innermost dim first. A pad longer than
        // that core makes libtorch copy between overlapping slices: its copy refuses that with the message below
        // when the slices are dense and otherwise returns uninitialised memory; it is always refused here.
        for (int k = 0; k < pad.Length / 2; k++)
        {
            int left = pad[2 * k], right = pad[2 * k + 1];
            int core = Math.Max(input.Size(-1 - k) - Math.Max(-left, 0) - Math.Max(-right, 0), 0);
            Errors.Check(left <= core && right <= core,
                "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.");
        }
        return Gather(input, GatherSteps(input.Shape, pad, CircularSource));
    }

    /// <summary>Reflection about the edge element, which is not repeated; a negative left pad shifts the window.</summary>
    private static int ReflectSource(int j, int size, int left, int right)
    {
        int src = j < left ? 2 * left - j : j < size + left ? j : 2 * (size + left - 1) - j;
        return src - Math.Max(left, 0) + Math.Max(-left, 0);
    }

    private static int ReplicateSource(int j, int size, int left, int right) => Math.Clamp(j - left, 0, size - 1);

    /// <summary>Wraps around the cropped core: the left pad repeats its end, the right pad its start.</summary>
    private static int CircularSource(int j, int size, int left, int right)
    {
        int start = Math.Max(-left, 0), core = size - start - Math.Max(-right, 0);
        int offset = j - Math.Max(left, 0);
        return start + (offset % core + core) % core;
    }

    /// <summary>The reflection and replication kernels are compiled for every dtype but Bool (circular only copies).</summary>
    private static void CheckNotBool(Tensor input, string kernel)
    {
        if (input.DType == DType.Bool) throw Errors.NotImplemented($"\"{kernel}\" not implemented for 'Bool'");
    }

    /// <summary>padding::check_valid_input: every dim except an optional leading batch dim must be non-empty.</summary>
    private static void CheckNonEmpty(Tensor input, int padded)
    {
        bool batched = input.Dim == padded + 2;
        for (int d = batched ? 1 : 0; d < input.Dim; d++)
            if (input.Size(d) == 0)
                throw Errors.Runtime($"Expected {padded + 1}D or {padded + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: {Errors.Shape(input.Sizes)}");
    }

    /// <summary>
    /// The kernels only require one padded output dim to be positive (for 1-d padding: that dim). A zero-size dim
    /// then gives an empty result, and a negative one fails when the output is allocated.
    /// </summary>
    private static void CheckOutputSize(Tensor input, int[] pad, bool replicate)
    {
        int padded = pad.Length / 2;
        var outShape = input.Shape;
        var inSizes = new int[padded];
        var outSizes = new int[padded];
        for (int k = 0; k < padded; k++)
        {
            int d = input.Dim - 1 - k;
            outShape[d] += pad[2 * k] + pad[2 * k + 1];
            inSizes[padded - 1 - k] = input.Size(d);
            outSizes[padded - 1 - k] = outShape[d];
        }
        if (!outSizes.Any(s => s >= 1)) throw Errors.Runtime(TooSmallMessage(inSizes, outSizes, replicate));
        Tensor.CheckSizes(outShape);
    }

    /// <summary>The kernels' wording, sizes outermost first (D, H, W); replication 2-d has a space before ')'.</summary>
    private static string TooSmallMessage(int[] i, int[] o, bool replicate) => i.Length switch
    {
        1 => $"input (W: {i[0]}) is too small. Calculated output W: {o[0]}",
        2 => $"input (H: {i[0]}, W: {i[1]}{(replicate ? " " : "")}) is too small. Calculated output H: {o[0]} W: {o[1]}",
        _ => $"input (D: {i[0]} H: {i[1]}, W: {i[2]}) is too small. Calculated output D: {o[0]} H: {o[1]} W: {o[2]}",
    };

    /// <summary>The gathers of every padded dim, last dim first, each with the shape it applies to.</summary>
    private static GatherStep[] GatherSteps(int[] shape, int[] pad, SourceIndex source)
    {
        var steps = new GatherStep[pad.Length / 2];
        var current = (int[])shape.Clone();
        for (int k = 0; k < steps.Length; k++)
        {
            int d = current.Length - 1 - k, left = pad[2 * k], right = pad[2 * k + 1], size = current[d];
            var index = new long[size + left + right];
            for (int j = 0; j < index.Length; j++) index[j] = source(j, size, left, right);
            steps[k] = new GatherStep(d, Tensor.From(index), (int[])current.Clone());
            current[d] = index.Length;
        }
        return steps;
    }

    private static Tensor Gather(Tensor x, GatherStep[] steps) =>
        steps.Aggregate(x, (t, s) => t.IndexSelect(s.Dim, s.Index));

    /// <summary>
    /// The gather as one node named like PyTorch's kernel. Its backward undoes the steps in reverse, adding each
    /// gradient into its source position; that index-add is itself differentiable.
    /// </summary>
    private static Tensor RecordedGather(Tensor input, int[] pad, SourceIndex source, string node)
    {
        var steps = GatherSteps(input.Shape, pad, source);
        var y = Gather(input.Detach(), steps);
        return Graph.Record(y, node, [input], steps.Select(s => (s.Dim, s.InputShape)).ToArray(), Derivatives.UndoGathers,
            steps.Select(s => s.Index).ToArray());
    }
}
