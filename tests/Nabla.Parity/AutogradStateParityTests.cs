using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TIdx = TorchSharp.torch.TensorIndex;

namespace Nabla.Parity;

/// <summary>
/// Autograd state against libtorch: saved index tensors are version-checked and freed, a 0-d value written into
/// a slice gets its gradient, and in-place writes autograd cannot track (views made under no_grad, outputs of
/// unbind / split / chunk) are refused with libtorch's message.
/// </summary>
[Collection(DefaultGeneratorsCollection.Name)]
public class AutogradStateParityTests
{
    /// <summary>Both throw, Nabla with <typeparamref name="TException"/>, and the messages' first lines agree.</summary>
    private static void SameError<TException>(Action nabla, Action libtorch) where TException : Exception
    {
        var t = Record(libtorch);
        Assert.NotNull(t);
        var n = Assert.IsAssignableFrom<TException>(Record(nabla));
        Assert.Equal(FirstLine(t!.Message), FirstLine(n.Message));
    }

    /// <summary>Neither throws.</summary>
    private static void BothSucceed(Action nabla, Action libtorch)
    {
        Assert.Null(Record(libtorch));
        Assert.Null(Record(nabla));
    }

    private static Exception? Record(Action a)
    {
        try { a(); return null; }
        catch (Exception e) { return e; }
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    [Fact]
    public void IndexModifiedInPlaceAfterIndexingFailsTheVersionCheck()
    {
        using var scope = torch.NewDisposeScope();
        var x = Tensor.Randn(5).RequiresGrad_();
        var i = Tensor.From(new long[] { 0, 2, 2 });
        var y = x[i];
        i.Add_(1);
        var tx = torch.randn(5, requires_grad: true);
        var ti = torch.tensor(new long[] { 0, 2, 2 });
        var ty = tx.index(TIdx.Tensor(ti));
        ti.add_(1);
        SameError<InvalidOperationException>(() => y.Sum().Backward(), () => ty.sum().backward());
    }

    [Fact]
    public void IndexingBackwardTwiceWithoutRetainGraphFails()
    {
        using var scope = torch.NewDisposeScope();
        var b = Tensor.Randn(5).RequiresGrad_();
        var y = b[Tensor.From(new long[] { 1, 3 })].Sum();
        y.Backward();
        var tb = torch.randn(5, requires_grad: true);
        var ty = tb.index(TIdx.Tensor(torch.tensor(new long[] { 1, 3 }))).sum();
        ty.backward();
        SameError<InvalidOperationException>(() => y.Backward(), () => ty.backward());
    }

    [Fact]
    public void ZeroDimValueWrittenIntoASliceGetsOneGradientPerElement()
    {
        using var scope = torch.NewDisposeScope();
        var z = Tensor.Zeros(3, 4);
        var w = Tensor.Full([], 2.0, DType.Float32).RequiresGrad_();
        z[.., 0] = w;
        z.Sum().Backward();
        var tz = torch.zeros(3, 4);
        var tw = torch.tensor(2.0f, requires_grad: true);
        tz[TIdx.Colon, TIdx.Single(0)] = tw;
        tz.sum().backward();
        Assert.Equal(tw.grad!.item<float>(), w.Grad!.Item<float>());
        Assert.Equal(tz.data<float>().ToArray(), z.ToArray<float>());
    }

    public static TheoryData<string> NoGradViewCases => new() { "leaf-base add scalar", "leaf-base add tensor", "non-leaf add scalar", "non-leaf add tensor", "plain-base add tensor", "plain-base add scalar" };

    [Theory]
    [MemberData(nameof(NoGradViewCases))]
    public void ViewMadeUnderNoGradThenWrittenWithGradOn(string variant)
    {
        using var scope = torch.NewDisposeScope();
        bool baseGrad = !variant.StartsWith("plain"), nonLeaf = variant.StartsWith("non-leaf"), scalar = variant.EndsWith("scalar");
        var a = Tensor.Randn(3).RequiresGrad_(baseGrad);
        var w = Tensor.Randn(2).RequiresGrad_();
        var b = nonLeaf ? a * 2 : a;
        Tensor v;
        using (GradMode.NoGrad()) v = b.Narrow(0, 0, 2);
        var ta = torch.randn(3, requires_grad: baseGrad);
        var tw = torch.randn(2, requires_grad: true);
        var tb = nonLeaf ? ta * 2 : ta;
        TT tv;
        using (torch.no_grad()) tv = tb.narrow(0, 0, 2);
        Action n = scalar ? () => v.Add_(1) : () => v.Add_(w);
        Action t = scalar ? () => tv.add_(1) : () => tv.add_(tw);
        if (variant == "plain-base add scalar") BothSucceed(n, t); // nothing to track
        else SameError<ArgumentException>(n, t);
    }

    public static TheoryData<string, bool> MultiOutputCases => new()
    {
        { "unbind", true }, { "split", true }, { "split_with_sizes", true }, { "chunk", true },
        { "unbind", false }, { "split", false }, { "split_with_sizes", false }, { "chunk", false },
    };

    [Theory]
    [MemberData(nameof(MultiOutputCases))]
    public void InPlaceWriteIntoAnOutputOfAMultiOutputViewOp(string op, bool requiresGrad)
    {
        using var scope = torch.NewDisposeScope();
        var a = Tensor.Randn(4, 2).RequiresGrad_(requiresGrad) * 1;
        var ta = torch.randn(4, 2, requires_grad: requiresGrad) * 1;
        Tensor[] parts = op switch { "unbind" => a.Unbind(), "split" => a.Split(2), "split_with_sizes" => a.Split([1, 3]), _ => a.Chunk(2) };
        TT[] tparts = op switch { "unbind" => ta.unbind(), "split" => ta.split(2), "split_with_sizes" => ta.split(new long[] { 1, 3 }), _ => ta.chunk(2) };
        var w = Tensor.Randn(2).RequiresGrad_();
        var tw = torch.randn(2, requires_grad: true);

        if (requiresGrad) SameError<ArgumentException>(() => parts[1].Add_(1), () => tparts[1].add_(1));
        else BothSucceed(() => parts[1].Add_(1), () => tparts[1].add_(1));
        // A value that requires grad makes the write tracked even when the base does not.
        SameError<ArgumentException>(() => parts[0].Add_(w), () => tparts[0].add_(tw));
        // Views of such an output inherit the refusal.
        if (requiresGrad)
            SameError<ArgumentException>(() => parts[0].Narrow(0, 0, 1).Add_(1), () => tparts[0].narrow(0, 0, 1).add_(1));
    }
}
