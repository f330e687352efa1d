using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace Nabla.Parity.Harness;

/// <summary>A view applied after creation, identically in both libraries, so non-contiguity is real in both.</summary>
public abstract record ViewOp
{
    public sealed record Transpose(int A, int B) : ViewOp { public override string ToString() => $"T({A},{B})"; }
    public sealed record Slice(int Dim, int Start, int Stop, int Step) : ViewOp { public override string ToString() => $"S({Dim},{Start}:{Stop}:{Step})"; }
    public sealed record Expand(int[] Shape) : ViewOp { public override string ToString() => $"E[{string.Join(",", Shape)}]"; }
}

/// <summary>One tensor input: dtype, base shape, row-major values, views applied afterwards, requires_grad on the base.</summary>
public sealed record InputSpec(DType DType, int[] BaseShape, double[] Values, ViewOp[] Views, bool Grad)
{
    public int[] Shape
    {
        get
        {
            var s = (int[])BaseShape.Clone();
            foreach (var v in Views)
                switch (v)
                {
                    case ViewOp.Transpose t: (s[t.A], s[t.B]) = (s[t.B], s[t.A]); break;
                    case ViewOp.Slice sl: s[sl.Dim] = Math.Max(0, (sl.Stop - sl.Start + sl.Step - 1) / sl.Step); break;
                    case ViewOp.Expand e: s = (int[])e.Shape.Clone(); break;
                }
            return s;
        }
    }

    public override string ToString() =>
        $"{DType}[{string.Join(",", Shape)}]" + (Views.Length > 0 ? "{" + string.Join(" ", Views) + "}" : "") + (Grad ? "g" : "")
        + (Values.Length is > 0 and <= 6 ? "=base(" + string.Join(",", Values.Select(v => v.ToString("R"))) + ")" : "");

    public Tensor MakeNablaLeaf()
    {
        Array arr = DType switch
        {
            DType.Bool => Values.Select(v => v != 0).ToArray(),
            DType.UInt8 => Values.Select(v => (byte)v).ToArray(),
            DType.Int32 => Values.Select(v => (int)v).ToArray(),
            DType.Int64 => Values.Select(v => (long)v).ToArray(),
            DType.Float32 => Values.Select(v => (float)v).ToArray(),
            _ => Values.ToArray(),
        };
        var t = Tensor.From(arr).Reshape(BaseShape);
        return Grad ? t.Detach().RequiresGrad_() : t;
    }

    /// <summary>The torch leaf made from the values Nabla's leaf actually holds.</summary>
    public static TT TorchFromNabla(Tensor n, bool requiresGrad)
    {
        var dims = n.Shape.Select(s => (long)s).ToArray();
        TT t = n.DType switch
        {
            DType.Bool => torch.tensor(n.ToArray<bool>(), dims),
            DType.UInt8 => torch.tensor(n.ToArray<byte>(), dims),
            DType.Int32 => torch.tensor(n.ToArray<int>(), dims),
            DType.Int64 => torch.tensor(n.ToArray<long>(), dims),
            DType.Float32 => torch.tensor(n.ToArray<float>(), dims),
            _ => torch.tensor(n.ToArray<double>(), dims),
        };
        return requiresGrad ? t.requires_grad_() : t;
    }

    public static Tensor ApplyViews(Tensor t, ViewOp[] views)
    {
        foreach (var v in views)
            t = v switch
            {
                ViewOp.Transpose x => t.Transpose(x.A, x.B),
                ViewOp.Slice x => t.Slice(x.Dim, x.Start, x.Stop, x.Step),
                ViewOp.Expand x => t.Expand(x.Shape),
                _ => throw new InvalidOperationException(),
            };
        return t;
    }

    public static TT ApplyViews(TT t, ViewOp[] views)
    {
        foreach (var v in views)
            t = v switch
            {
                ViewOp.Transpose x => t.transpose(x.A, x.B),
                ViewOp.Slice x => t.slice(x.Dim, x.Start, x.Stop, x.Step),
                ViewOp.Expand x => t.expand(x.Shape.Select(s => (long)s).ToArray()),
                _ => throw new InvalidOperationException(),
            };
        return t;
    }
}

/// <summary>Non-tensor arguments of a sample, shared by the Nabla and the torch lambda.</summary>
public sealed record P
{
    public int[]? Dims { get; init; }
    public int Dim { get; init; }
    public int Dim2 { get; init; }
    public bool Keep { get; init; }
    public double S { get; init; }
    public double S2 { get; init; }
    public int N { get; init; }
    public int[]? Shape { get; init; }
    public string? Mode { get; init; }
    public DType To { get; init; }
    public bool Flag { get; init; }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Dims is not null) parts.Add($"dims=[{string.Join(",", Dims)}]");
        if (Shape is not null) parts.Add($"shape=[{string.Join(",", Shape)}]");
        if (Dim != 0) parts.Add($"dim={Dim}");
        if (Dim2 != 0) parts.Add($"dim2={Dim2}");
        if (Keep) parts.Add("keepdim");
        if (S != 0) parts.Add($"s={S}");
        if (S2 != 0) parts.Add($"s2={S2}");
        if (N != 0) parts.Add($"n={N}");
        if (Mode is not null) parts.Add($"mode={Mode}");
        if (To != default) parts.Add($"to={To}");
        if (Flag) parts.Add("flag");
        return string.Join(" ", parts);
    }
}

/// <summary>One sample: a kind (for reports and known differences), its inputs and arguments.</summary>
public sealed record Sample(string Kind, InputSpec[] Inputs, P Args)
{
    public override string ToString() => $"{Kind} ({string.Join(", ", Inputs.Select(i => i.ToString()))}) {Args}".TrimEnd();
}
