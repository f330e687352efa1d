using System.Numerics;

namespace Nabla.Kernels;

/// <summary>
/// The taps of one resampled axis: output cell <c>o</c> reads input cells <c>Index[o·Taps + k]</c> with weights
/// <c>Weight[o·Taps + k]</c>, k &lt; Taps. Nearest (1 tap), linear (2) and cubic (4) interpolation all reduce to this table,
/// so one separable kernel serves every mode and rank.
/// </summary>
internal sealed class AxisTaps
{
    public required int Input { get; init; }
    public required int Output { get; init; }
    public required int Taps { get; init; }
    public required int[] Index { get; init; }
    public required double[] Weight { get; init; }

    /// <summary>The trivial axis that pads a 1-d or 2-d plan to three axes.</summary>
    public static readonly AxisTaps Single = new() { Input = 1, Output = 1, Taps = 1, Index = [0], Weight = [1] };

    /// <summary>PyTorch's compute_scales_value: 1/scale when a positive scale factor is given, else input/output.</summary>
    private static float ScaleValue(double? scale, int input, int output) =>
        scale is > 0 ? (float)(1.0 / scale.Value) : (float)input / output;

    /// <summary>PyTorch's area_pixel_compute_scale (in float, PyTorch's opmath for both float types' index math).</summary>
    private static double AreaScale(int input, int output, bool alignCorners, double? scale, bool single) =>
        alignCorners ? Round(output > 1 ? (double)(input - 1) / (output - 1) : 0, single)
        : scale is > 0 ? Round(1.0 / scale.Value, single) : Round((double)input / output, single);

    /// <summary>float32 index math runs in float (PyTorch's opmath), float64 in double.</summary>
    private static double Round(double v, bool single) => single ? (float)v : v;

    /// <summary>PyTorch's area_pixel_compute_source_index; negative sources clamp to 0 except for cubic.</summary>
    private static double SourceIndex(double scale, int dst, bool alignCorners, bool cubic, bool single)
    {
        if (alignCorners) return Round(scale * dst, single);
        double src = Round(Round(scale * (dst + 0.5), single) - 0.5, single);
        return !cubic && src < 0 ? 0 : src;
    }

    /// <summary>nearest: floor(dst·scale); nearest-exact: floor((dst + 0.5)·scale); both clamped to the last input cell. With
    /// <paramref name="shortcuts"/>, nearest (not exact) returns dst at 1x and dst/2 at 2x, as libtorch's backward does.</summary>
    public static AxisTaps Nearest(int input, int output, double? scale, bool exact, bool shortcuts = false)
    {
        var index = new int[output];
        float s = ScaleValue(scale, input, output);
        for (int o = 0; o < output; o++)
        {
            // libtorch's nearest_idx (its backward and channels-last kernels) copies at 1x and halves at 2x whatever the scale
            if (shortcuts && output == input) index[o] = o;
            else if (shortcuts && output == 2 * input) index[o] = o >> 1;
            else index[o] = (int)Math.Min(MathF.Floor(exact ? (o + 0.5f) * s : o * s), input - 1);
        }
        return new AxisTaps { Input = input, Output = output, Taps = 1, Index = index, Weight = [.. Enumerable.Repeat(1.0, output)] };
    }

    /// <summary>Linear interpolation between the two nearest input cells (PyTorch's guard_index_and_lambda).</summary>
    public static AxisTaps Linear(int input, int output, bool alignCorners, double? scale, bool single)
    {
        var index = new int[2 * output];
        var weight = new double[2 * output];
        double s = AreaScale(input, output, alignCorners, scale, single);
        for (int o = 0; o < output; o++)
        {
            double real = SourceIndex(s, o, alignCorners, false, single);
            int i0 = Math.Min((int)real, input - 1);
            double l1 = Math.Clamp(Round(real - i0, single), 0, 1);
            index[2 * o] = i0;
            index[2 * o + 1] = i0 < input - 1 ? i0 + 1 : i0;
            weight[2 * o] = 1 - l1;
            weight[2 * o + 1] = l1;
        }
        return new AxisTaps { Input = input, Output = output, Taps = 2, Index = index, Weight = weight };
    }

    /// <summary>Keys' cubic convolution with A = -0.75 over four cells, indices clamped to the axis (PyTorch's bicubic).</summary>
    public static AxisTaps Cubic(int input, int output, bool alignCorners, double? scale, bool single)
    {
        const double A = -0.75;
        var index = new int[4 * output];
        var weight = new double[4 * output];
        double s = AreaScale(input, output, alignCorners, scale, single);
        for (int o = 0; o < output; o++)
        {
            double real = SourceIndex(s, o, alignCorners, true, single);
            int i0 = (int)Math.Floor(real);
            double t = Round(real - i0, single);
            double[] w = [Far(t + 1), Near(t), Near(1 - t), Far(2 - t)];
            for (int k = 0; k < 4; k++)
            {
                index[4 * o + k] = Math.Clamp(i0 - 1 + k, 0, input - 1);
                weight[4 * o + k] = w[k];
            }
        }
        return new AxisTaps { Input = input, Output = output, Taps = 4, Index = index, Weight = weight };

        static double Near(double x) => ((A + 2) * x - (A + 3)) * x * x + 1;
        static double Far(double x) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
}

/// <summary>A resampling plan over contiguous (planes, D, H, W) data; lower ranks use <see cref="AxisTaps.Single"/>.</summary>
internal sealed record UpsamplePlan(AxisTaps D, AxisTaps H, AxisTaps W)
{
    public int InPlane => D.Input * H.Input * W.Input;
    public int OutPlane => D.Output * H.Output * W.Output;
}

/// <summary>
/// Separable resampling: each output cell is the weighted sum over the product of its per-axis taps. The backward is
/// the adjoint scatter with the same tables. Each plane is processed whole by one thread, so results do not depend on
/// the thread count.
/// </summary>
internal static class Resample
{
    /// <summary>output[p, o] = Σ w_d·w_h·w_w · input[p, taps(o)].</summary>
    public static void Forward(Tensor input, UpsamplePlan plan, Tensor output) =>
        DTypeDispatch.Run(input.DType, new Kernel(input, plan, output, false));

    /// <summary>The adjoint of <see cref="Forward"/>: gradInput[p, taps(o)] += w · grad[p, o] (gradInput zeroed by the caller).</summary>
    public static void Backward(Tensor grad, UpsamplePlan plan, Tensor gradInput) =>
        DTypeDispatch.Run(grad.DType, new Kernel(gradInput, plan, grad, true));

    private readonly struct Kernel(Tensor dense, UpsamplePlan plan, Tensor resampled, bool adjoint) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var (x, y, p, adj) = (dense.Data<T>(), resampled.Data<T>(), plan, adjoint);
            int xOffset = dense.StorageOffset, yOffset = resampled.StorageOffset;
            int planes = p.InPlane == 0 ? 0 : dense.Numel / p.InPlane;
            if (planes < 2 || (long)planes * p.OutPlane < StridedLoop.ParallelGrain)
                for (int c = 0; c < planes; c++) Plane(x, xOffset + c * p.InPlane, y, yOffset + c * p.OutPlane, p, adj);
            else
                Parallel.For(0, planes, c => Plane(x, xOffset + c * p.InPlane, y, yOffset + c * p.OutPlane, p, adj));
        }
    }

    private static void Plane<T>(T[] x, int xBase, T[] y, int yBase, UpsamplePlan p, bool adjoint) where T : unmanaged, INumber<T>
    {
        var (d, h, w) = (p.D, p.H, p.W);
        int o = yBase;
        for (int od = 0; od < d.Output; od++)
        for (int oh = 0; oh < h.Output; oh++)
        for (int ow = 0; ow < w.Output; ow++, o++)
        {
            var sum = T.Zero;
            var g = y[o];
            for (int kd = 0; kd < d.Taps; kd++)
            {
                int id = d.Index[od * d.Taps + kd];
                var wd = T.CreateTruncating(d.Weight[od * d.Taps + kd]);
                for (int kh = 0; kh < h.Taps; kh++)
                {
                    int row = (id * h.Input + h.Index[oh * h.Taps + kh]) * w.Input;
                    var wdh = wd * T.CreateTruncating(h.Weight[oh * h.Taps + kh]);
                    for (int kw = 0; kw < w.Taps; kw++)
                    {
                        var weight = wdh * T.CreateTruncating(w.Weight[ow * w.Taps + kw]);
                        int i = xBase + row + w.Index[ow * w.Taps + kw];
                        if (adjoint) x[i] += weight * g;
                        else sum += weight * x[i];
                    }
                }
            }
            if (!adjoint) y[o] = sum;
        }
    }
}
