using Nabla.Core;

namespace Nabla.NN;

/// <summary>torch.nn.functional.</summary>
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.pad. <paramref name="pad"/> lists (left, right) pairs starting from the last dim;
    /// negative pads crop. Mode "constant" fills with <paramref name="value"/>.
    /// </summary>
    public static Tensor Pad(Tensor input, int[] pad, string mode = "constant", double? value = null)
    {
        Errors.Check(pad.Length % 2 == 0, "Padding length must be divisible by 2");
        Errors.Check(pad.Length / 2 <= input.Dim,
            $"Padding length should be less than or equal to two times the input dimension but got padding length {pad.Length} and input of dimension {input.Dim}");
        return mode switch
        {
            "constant" => ConstantPad(input, pad, value ?? 0),
            _ => throw Errors.NotImplemented($"Unrecognised padding mode {mode}"),
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
                throw Errors.Runtime($"The input size {size}, plus negative padding {left} and {right} resulted in a negative output size, which is invalid. Check dimension {d} of your input.");
            outShape[d] = newSize;
            int start = Math.Max(-left, 0), stop = size - Math.Max(-right, 0);
            cropped = cropped.Narrow(d, start, Math.Max(stop - start, 0));
        }
        var y = Tensor.Full(outShape, value, input.DType);
        var region = Region(pad, n);
        Kernels.Copy.Into(cropped, region(y));
        var inverse = pad.Select(p => -p).ToArray();
        return Graph.Record(y, "ConstantPadNdBackward0", [input], (g, _, _) => [ConstantPad(g, inverse, 0)]);
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
}
