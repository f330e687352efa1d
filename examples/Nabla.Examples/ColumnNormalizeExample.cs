namespace Nabla.Examples;

/// <summary>A custom autograd Function y = x / x.sum(0) with an analytic backward, checked by GradCheck.</summary>
public sealed class ColumnNormalize : Function<ColumnNormalize>
{
    protected override Tensor Forward(FunctionContext ctx, Tensor x)
    {
        var s = x.Sum(0);
        var y = x / s;
        ctx.SaveForBackward(s, y);
        return y;
    }

    // d y[h,w] / d x[k,w] = (δ[h,k] - y[h,w]) / s[w], so dx = (dy - Σ_h dy·y) / s.
    protected override Tensor Backward(FunctionContext ctx, Tensor dy)
    {
        var (s, y) = (ctx.SavedTensors[0]!, ctx.SavedTensors[1]!);
        return (dy - (dy * y).Sum(0)) / s;
    }
}

/// <summary>The backward from the original question, which keeps only the diagonal of the Jacobian.</summary>
public sealed class DiagonalOnlyNormalize : Function<DiagonalOnlyNormalize>
{
    protected override Tensor Forward(FunctionContext ctx, Tensor x)
    {
        var s = x.Sum(0);
        ctx.SaveForBackward(s);
        return x / s;
    }

    protected override Tensor Backward(FunctionContext ctx, Tensor dy) => dy / ctx.SavedTensors[0]!;
}

public static class ColumnNormalizeExample
{
    public static void Run()
    {
        var x = Tensor.From(new double[,] { { 2 }, { 3 }, { 5 } }).RequiresGrad_();
        Console.WriteLine(ColumnNormalize.Apply(x));
        Console.WriteLine(Autograd.Functional.Jacobian(ColumnNormalize.Apply, x).Reshape(3, 3));

        Tensor.ManualSeed(0);
        var input = (Tensor.Rand([3, 3], DType.Float64) + 0.5).RequiresGrad_();
        Console.WriteLine($"gradcheck(ColumnNormalize): {GradCheck.Check(ColumnNormalize.Apply, input)}");
        try
        {
            GradCheck.Check(DiagonalOnlyNormalize.Apply, input);
        }
        catch (GradcheckException e)
        {
            Console.WriteLine($"gradcheck(DiagonalOnlyNormalize) failed:\n{e.Message}");
        }
    }
}
