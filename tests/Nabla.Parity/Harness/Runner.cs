using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace Nabla.Parity.Harness;

/// <summary>One way a sample differs: the check that failed ("values", "grad", "error-message", ...) and details.</summary>
public sealed record Failure(string Op, string SampleKind, string Check, string Detail, string Sample)
{
    /// <summary>The dtype the sample was drawn for (set by the test driver).</summary>
    public DType? DType { get; init; }

    public override string ToString() => $"[{Op} | {SampleKind} | {Check}] {Detail}\n      sample: {Sample}";
}

/// <summary>Runs one sample through both libraries and lists every difference.</summary>
public static class Runner
{
    public static DType FromTorch(torch.ScalarType t) => t switch
    {
        torch.ScalarType.Bool => DType.Bool,
        torch.ScalarType.Byte => DType.UInt8,
        torch.ScalarType.Int32 => DType.Int32,
        torch.ScalarType.Int64 => DType.Int64,
        torch.ScalarType.Float32 => DType.Float32,
        torch.ScalarType.Float64 => DType.Float64,
        _ => throw new NotSupportedException($"torch dtype {t}"),
    };

    public static torch.ScalarType ToTorch(DType t) => t switch
    {
        DType.Bool => torch.ScalarType.Bool,
        DType.UInt8 => torch.ScalarType.Byte,
        DType.Int32 => torch.ScalarType.Int32,
        DType.Int64 => torch.ScalarType.Int64,
        DType.Float32 => torch.ScalarType.Float32,
        _ => torch.ScalarType.Float64,
    };

    public static string FirstLine(Exception e) => e.Message.Split('\n')[0].Trim();

    /// <summary>libtorch messages of c10::IndexError (Python IndexError), which Nabla maps to IndexException.</summary>
    public static bool IsIndexError(string m) =>
        m.StartsWith("Dimension out of range") || m.Contains("out of bounds") || m.Contains("out of range for tensor")
        || (m.Contains("to have non-zero size") && !m.Contains("non-zero size for non-batch dimensions")) || m.Contains("for scalar but got") || m.StartsWith("too many indices")
        || m.Contains("cannot be applied to a 0-dim tensor") || m.StartsWith("start out of range")
        // TORCH_CHECK_INDEX in index_select / index_copy / index_add / take / advanced indexing / maybe_wrap_dim
        || m == "index out of range in self" || m.Contains("Index to scalar can have only") || m.Contains("Index should have dimension 1 or 0")
        || m.StartsWith("index_copy_(): Number of indices") || m.Contains("When source is scalar, index should have one element")
        || m.Contains("Index is supposed to be a vector") || m.StartsWith("out of range: tried to access index")
        || m.StartsWith("The shape of the mask") || m.StartsWith("shape mismatch: indexing tensors could not be broadcast together")
        || m.Contains("but tensor has no dimensions")
        || (m.Contains("Expected reduction dim to be specified for input.numel() == 0.") && !m.Contains("Specify the reduction dim"));

    public static List<Failure> Run(OpInfo op, Sample s, int seed) => Run(op, s, seed, out _);

    /// <param name="torchOk">Whether libtorch accepted the sample (forward ran without error).</param>
    public static List<Failure> Run(OpInfo op, Sample s, int seed, out bool torchOk)
    {
        torchOk = false;
        var fails = new List<Failure>();
        void Fail(string check, string detail) => fails.Add(new Failure(op.Name, s.Kind, check, detail, s.ToString()));

        using var scope = torch.NewDisposeScope();
        bool grad = op.Differentiable;
        Tensor[] nLeaves, nIn;
        TT[] tLeaves, tIn;
        try
        {
            nLeaves = s.Inputs.Select(i => grad || !i.Grad ? i.MakeNablaLeaf() : (i with { Grad = false }).MakeNablaLeaf()).ToArray();
            tLeaves = nLeaves.Select(n => InputSpec.TorchFromNabla(n.Detach(), n.RequiresGrad)).ToArray();
            nIn = nLeaves.Select((t, k) => InputSpec.ApplyViews(t, s.Inputs[k].Views)).ToArray();
            tIn = tLeaves.Select((t, k) => InputSpec.ApplyViews(t, s.Inputs[k].Views)).ToArray();
        }
        catch (Exception e)
        {
            Fail("harness", "could not build inputs: " + e.GetType().Name + ": " + FirstLine(e));
            return fails;
        }

        Tensor[]? nOut = null; TT[]? tOut = null; Exception? nErr = null, tErr = null;
        try { nOut = op.Nabla(nIn, s.Args); } catch (Exception e) { nErr = e; }
        try { tOut = op.Torch(tIn, s.Args); } catch (Exception e) { tErr = e; }

        torchOk = tErr is null;
        if (nErr is not null || tErr is not null)
        {
            if (nErr is null) Fail("throws", $"torch throws \"{FirstLine(tErr!)}\" but Nabla returns {Describe(nOut!)}");
            else if (tErr is null) Fail("throws", $"Nabla throws {nErr.GetType().Name} \"{FirstLine(nErr)}\" but torch returns {Describe(tOut!)}");
            else
            {
                string nm = FirstLine(nErr), tm = FirstLine(tErr);
                if (nm != tm) Fail("error-message", $"Nabla: \"{nm}\"  torch: \"{tm}\"");
                var expected = op.RuntimeBoundsErrors && tm.Contains(" is out of bounds for dimension ") ? typeof(ArgumentException)
                    : IsIndexError(tm) ? typeof(IndexException)
                    : tm.Contains("not implemented for '") ? typeof(NotSupportedException) // c10::NotImplementedError
                    : tm.StartsWith("Padding size ") && tm.Contains(" is not supported for ") ? typeof(NotSupportedException) // PadNd.cpp TORCH_CHECK_NOT_IMPLEMENTED
                    : typeof(ArgumentException);
                if (nErr.GetType() != expected)
                    Fail("error-type", $"Nabla throws {nErr.GetType().Name}, expected {expected.Name} for \"{tm}\"");
            }
            return fails;
        }

        if (nOut!.Length != tOut!.Length) { Fail("outputs", $"{nOut.Length} vs {tOut.Length} outputs"); return fails; }
        for (int k = 0; k < nOut.Length; k++)
            CompareTensor(nOut[k], tOut[k], $"output {k}", Fail, "dtype", "shape", "values");
        if (fails.Count > 0) return fails;

        // Backward: random cotangent for every floating output torch differentiates.
        if (!nLeaves.Any(l => l.RequiresGrad)) return fails;
        var rng = new Random(seed);
        var nOuts = new List<Tensor>(); var tOuts = new List<TT>(); var nCots = new List<Tensor>(); var tCots = new List<TT>();
        for (int k = 0; k < nOut.Length; k++)
        {
            if (nOut[k].RequiresGrad != tOut[k].requires_grad)
            {
                Fail("requires-grad", $"output {k}: Nabla requires_grad={nOut[k].RequiresGrad}, torch={tOut[k].requires_grad}");
                continue;
            }
            if (!tOut[k].requires_grad) continue;
            var shape = nOut[k].Shape;
            var vals = Enumerable.Range(0, nOut[k].Numel).Select(_ => Math.Round(rng.NextDouble() * 4 - 2, 3)).ToArray();
            var cot = Tensor.From(vals).To(nOut[k].DType).Reshape(shape);
            nOuts.Add(nOut[k]); tOuts.Add(tOut[k]); nCots.Add(cot); tCots.Add(InputSpec.TorchFromNabla(cot, false));
        }
        if (fails.Count > 0 || nOuts.Count == 0) return fails;
        var diffIdx = Enumerable.Range(0, nLeaves.Length).Where(k => nLeaves[k].RequiresGrad).ToArray();
        // A Float64 input of a Float32 computation gets a gradient computed in float32: compare at float32 tolerance.
        DType? gradTol = nOuts.Any(o => o.DType == DType.Float32) ? DType.Float32 : null;

        Tensor?[]? nG = null; IList<TT>? tG = null;
        try { nG = Autograd.Grad(nOuts.ToArray(), diffIdx.Select(k => nLeaves[k]).ToArray(), nCots.ToArray(), allowUnused: true); }
        catch (Exception e) { nErr = e; }
        try { tG = torch.autograd.grad(tOuts, diffIdx.Select(k => tLeaves[k]).ToList(), tCots, allow_unused: true); }
        catch (Exception e) { tErr = e; }
        if (nErr is not null || tErr is not null)
        {
            if (nErr is null || tErr is null || FirstLine(nErr) != FirstLine(tErr))
                Fail("grad", $"backward: Nabla {(nErr is null ? "ok" : "throws " + nErr.GetType().Name + " \"" + FirstLine(nErr) + "\"")}, torch {(tErr is null ? "ok" : "throws \"" + FirstLine(tErr) + "\"")}");
            return fails;
        }
        for (int j = 0; j < diffIdx.Length; j++)
        {
            var leaf = nLeaves[diffIdx[j]];
            var ng = nG![j] ?? Tensor.ZerosLike(leaf);
            var tg = tG![j] is { } g && !g.IsInvalid ? g : torch.zeros(leaf.Shape.Select(x => (long)x).ToArray(), Runner.ToTorch(leaf.DType));
            CompareTensor(ng, tg, $"grad of input {diffIdx[j]}", Fail, "grad", "grad", "grad", gradTol);
        }
        return fails;
    }

    /// <summary>Row-major values (TensorAccessor.ToArray throws on empty tensors, so those are handled here).</summary>
    public static T[] Read<T>(TT t, torch.ScalarType type) where T : unmanaged =>
        t.numel() == 0 ? [] : t.detach().to_type(type).contiguous().reshape(-1).data<T>().ToArray();

    private static string Describe(IEnumerable<Tensor> ts) => string.Join(", ", ts.Select(t => $"{t.DType}[{string.Join(",", t.Shape)}]"));
    private static string Describe(IEnumerable<TT> ts) => string.Join(", ", ts.Select(t => $"{FromTorch(t.dtype)}[{string.Join(",", t.shape)}]"));

    public static void CompareTensor(Tensor n, TT t, string what, Action<string, string> fail, string dtypeCheck, string shapeCheck, string valueCheck,
        DType? toleranceOf = null)
    {
        var tdt = FromTorch(t.dtype);
        if (n.DType != tdt) { fail(dtypeCheck, $"{what}: dtype Nabla {n.DType}, torch {tdt}"); return; }
        var tshape = t.shape.Select(x => (int)x).ToArray();
        if (!n.Shape.SequenceEqual(tshape))
        {
            fail(shapeCheck, $"{what}: shape Nabla [{string.Join(",", n.Shape)}], torch [{string.Join(",", tshape)}]");
            return;
        }
        if (n.Numel == 0)
        {
            // Nothing to compare, but reading an empty view must still work.
            try { n.ToArray<double>(); }
            catch (Exception e) { fail("to-array", $"{what}: ToArray on an empty result throws {e.GetType().Name}: {FirstLine(e)}"); }
            return;
        }
        if (n.IsFloatingPoint)
        {
            var a = n.ToArray<double>();
            var b = Read<double>(t, torch.ScalarType.Float64);
            var tolType = toleranceOf ?? n.DType;
            double rtol = tolType == DType.Float32 ? 1.3e-6 : 1e-7, atol = tolType == DType.Float32 ? 1e-5 : 1e-7;
            var bad = new List<string>();
            for (int i = 0; i < a.Length; i++)
            {
                double x = a[i], y = b[i];
                bool ok = (double.IsNaN(x) && double.IsNaN(y)) || x == y
                    || (!double.IsInfinity(x) && !double.IsInfinity(y) && Math.Abs(x - y) <= atol + rtol * Math.Abs(y));
                if (!ok && bad.Count < 4) bad.Add($"[{i}] {x:R} vs {y:R}");
                if (!ok && bad.Count == 4) { bad.Add("..."); }
            }
            if (bad.Count > 0) fail(valueCheck, $"{what}: values differ (Nabla vs torch): {string.Join("; ", bad.Distinct())}");
        }
        else
        {
            var a = n.ToArray<long>();
            var b = Read<long>(t, torch.ScalarType.Int64);
            var bad = Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).Take(4).Select(i => $"[{i}] {a[i]} vs {b[i]}").ToList();
            if (bad.Count > 0) fail(valueCheck, $"{what}: values differ (Nabla vs torch): {string.Join("; ", bad)}");
        }
    }
}
