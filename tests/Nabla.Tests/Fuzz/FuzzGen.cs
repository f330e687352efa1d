namespace Nabla.Tests.Fuzz;

/// <summary>
/// Seeded hostile arguments for one fuzzed call: tensors of rank 0-6 with empty dims, every dtype, non-contiguous,
/// expanded (stride-0) and overlapping views; dims and indices mostly in range and sometimes far out of it; sizes
/// that overflow; nulls. Every value drawn is logged, so a failure prints the call it came from.
/// </summary>
public sealed class FuzzGen(int seed)
{
    private readonly Random _rng = new(seed);
    private readonly List<string> _log = [];
    private readonly List<Tensor> _made = [];

    /// <summary>What this call was given, in order.</summary>
    public string Description => string.Join("; ", _log);

    public static readonly Nabla.DType[] AllDTypes = [Nabla.DType.Bool, Nabla.DType.UInt8, Nabla.DType.Int32, Nabla.DType.Int64, Nabla.DType.Float32, Nabla.DType.Float64];

    public bool Coin(double p = 0.5) => _rng.NextDouble() < p;
    public int Int(int lo, int hiExclusive) => _rng.Next(lo, hiExclusive);
    public T Pick<T>(params T[] items) => items[_rng.Next(items.Length)];

    private T Log<T>(string what, T value)
    {
        _log.Add($"{what}={Show(value)}");
        return value;
    }

    private string Log(string what, string value)
    {
        _log.Add($"{what}={value}");
        return value;
    }

    private static string Show(object? v) => v switch
    {
        null => "null",
        Tensor t => $"{t.DType}[{string.Join(",", t.Shape)}]/strides[{string.Join(",", t.Stride())}]" + (t.RequiresGrad ? "g" : ""),
        int[] a => "[" + string.Join(",", a) + "]",
        int?[] a => "[" + string.Join(",", a.Select(x => x?.ToString() ?? "null")) + "]",
        Tensor?[] ts => "[" + string.Join(", ", ts.Select(Show)) + "]",
        _ => v.ToString() ?? "",
    };

    public Nabla.DType DType() => Log("dtype", Pick(AllDTypes));

    /// <summary>A shape of rank 0-6 with small (often 0 or 1) dims; its element count stays small.</summary>
    public int[] Shape(int? rank = null)
    {
        int r = rank ?? Pick(0, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6);
        var s = new int[r];
        for (int i = 0; i < r; i++) s[i] = Pick(0, 1, 1, 2, 2, 3, 3, 4, 5);
        while (s.Aggregate(1L, (a, b) => a * b) > 240) s[Int(0, r)] = 1;
        return s;
    }

    /// <summary>A size argument: mostly small, sometimes -1/-2, or a size whose products overflow.</summary>
    public int Size() => Log("size", SizeValue());

    private int SizeValue() => _rng.NextDouble() switch
    {
        < 0.80 => Int(0, 6),
        < 0.88 => Pick(-1, -2),
        < 0.94 => Pick(int.MaxValue, int.MinValue, 1 << 16),
        _ => Int(6, 40),
    };

    /// <summary>A list of sizes; when it holds a huge size, the product overflows or the rest stays tiny.</summary>
    public int[] Sizes(int? count = null)
    {
        int n = count ?? Pick(0, 1, 2, 2, 3, 3, 4, 5, 6);
        var s = new int[n];
        for (int i = 0; i < n; i++) s[i] = Pick(0, 1, 1, 2, 3, 4, 5);
        if (n > 0 && Coin(0.15))
        {
            switch (Int(0, 4))
            {
                case 0: s[Int(0, n)] = Pick(-1, -2, int.MinValue); break;
                case 1: s[Int(0, n)] = int.MaxValue; break;
                case 2: // two 2^16 dims: 2^32 elements unless another dim is 0
                    s[Int(0, n)] = 1 << 16;
                    s[Int(0, n)] = 1 << 16;
                    break;
                default:
                    for (int i = 0; i < n; i++) s[i] = Math.Min(s[i], 2);
                    s[Int(0, n)] = 1 << 16;
                    break;
            }
        }
        return Log("sizes", s);
    }

    /// <summary>A dim for a tensor of <paramref name="rank"/>: mostly valid (negative too), sometimes out of range.</summary>
    public int Dim(int rank) => Log("dim", _rng.NextDouble() switch
    {
        < 0.85 => rank == 0 ? Pick(0, -1) : Int(-rank, rank),
        < 0.95 => Pick(rank, -rank - 1, rank + 3),
        _ => Pick(int.MaxValue, int.MinValue),
    });

    public int[] Dims(int rank)
    {
        int n = Pick(0, 1, 1, 2, 3);
        var d = new int[n];
        for (int i = 0; i < n; i++) d[i] = rank == 0 ? Pick(0, -1) : Coin(0.9) ? Int(-rank, rank) : Pick(rank, -rank - 1, int.MinValue);
        return Log("dims", d);
    }

    /// <summary>A permutation of the dims, sometimes broken (repeated, short, out of range).</summary>
    public int[] Permutation(int rank)
    {
        var p = Enumerable.Range(0, rank).OrderBy(_ => _rng.Next()).ToArray();
        if (Coin(0.15) && rank > 0) p[Int(0, rank)] = Pick(0, rank, -1, int.MaxValue);
        if (Coin(0.05)) p = [.. p, 0];
        return Log("perm", p);
    }

    public bool Bool() => Log("flag", Coin());

    /// <summary>A Python scalar: bool, int or float, with edge values.</summary>
    public Scalar Scalar() => Log("scalar", _rng.NextDouble() switch
    {
        < 0.15 => (Nabla.Scalar)Coin(),
        < 0.55 => (Nabla.Scalar)Pick(0L, 1L, 2L, -3L, 7L, 255L, 256L, long.MaxValue, long.MinValue, int.MinValue),
        _ => (Nabla.Scalar)Pick(0.0, 0.5, -1.5, 2.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, -0.0),
    });

    public Scalar? OptionalScalar() => Coin(0.3) ? null : Scalar();

    /// <summary>A tensor of a fresh random dtype and shape.</summary>
    public Tensor? Tensor() => Tensor(Pick(AllDTypes), Shape());

    public Tensor? Tensor(Nabla.DType dtype) => Tensor(dtype, Shape());

    public Tensor? Tensor(int[] shape) => Tensor(Pick(AllDTypes), shape);

    /// <summary>
    /// A tensor of <paramref name="shape"/>, sometimes null, reached through a view (transposed, sliced, expanded,
    /// a view of another tensor this call already made, so in-place ops meet overlapping memory), sometimes requiring grad.
    /// </summary>
    public Tensor? Tensor(Nabla.DType dtype, int[] shape, bool nullable = true)
    {
        if (nullable && Coin(0.02)) return Log<Tensor?>("tensor", null);
        Tensor t;
        if (_made.Count > 0 && Coin(0.08) && SharedView(shape) is { } shared) t = shared;
        else
        {
            var layout = Int(0, 10);
            t = layout switch
            {
                0 when shape.Length >= 2 => Values(dtype, [.. shape[..^2], shape[^1], shape[^2]]).Transpose(-1, -2),
                1 when shape.Length >= 1 => Values(dtype, [.. shape[..^1], shape[^1] * 2]).Slice(-1, null, null, 2),
                2 => Values(dtype, shape.Select(s => Coin() ? 1 : s).ToArray()).Expand(shape),
                _ => Values(dtype, shape),
            };
            if (dtype.IsFloatingPoint() && Coin(0.3))
            {
                var leaf = t.Detach().RequiresGrad_();
                t = Coin() ? leaf : leaf * 1; // a leaf, or a non-leaf with history
            }
        }
        _made.Add(t);
        return Log<Tensor?>("tensor", t);
    }

    /// <summary>A view of an earlier tensor of this call with the requested shape, when one fits.</summary>
    private Tensor? SharedView(int[] shape)
    {
        var src = Pick([.. _made]);
        if (src.Numel != shape.Aggregate(1, (a, b) => a * b) || src.Numel == 0) return null;
        try { return Coin() ? src.Reshape(shape) : src.Flatten().Flip(0).Reshape(shape); }
        catch (ArgumentException) { return null; }
    }

    private Tensor Values(Nabla.DType dtype, int[] shape)
    {
        int n = (int)shape.Aggregate(1L, (a, b) => a * b);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = Element(dtype);
        var t = Nabla.Tensor.From(v).To(dtype);
        return t.Reshape(shape);
    }

    private double Element(Nabla.DType dtype) => dtype switch
    {
        Nabla.DType.Bool => Int(0, 2),
        Nabla.DType.UInt8 => Coin(0.9) ? Int(0, 6) : Pick(0, 255, 128),
        Nabla.DType.Int32 => Coin(0.9) ? Int(-5, 6) : Pick(int.MinValue, int.MaxValue, -1),
        Nabla.DType.Int64 => Coin(0.9) ? Int(-5, 6) : Pick(-1, 1e15, -1e15),
        _ => Coin(0.9) ? Math.Round(_rng.NextDouble() * 6 - 3, 2) : Pick(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 1e38, 3e38),
    };

    /// <summary>An index tensor for a dim of <paramref name="size"/>: Int64 (or Int32, rarely a wrong dtype), mostly in range.</summary>
    public Tensor? Index(int size, int[]? shape = null)
    {
        if (Coin(0.02)) return Log<Tensor?>("index", null);
        var sh = shape ?? Shape(Pick(0, 1, 1, 1, 2, 3));
        var dt = _rng.NextDouble() switch { < 0.75 => Nabla.DType.Int64, < 0.9 => Nabla.DType.Int32, _ => Pick(AllDTypes) };
        int n = (int)sh.Aggregate(1L, (a, b) => a * b);
        var v = new long[n];
        for (int i = 0; i < n; i++)
            v[i] = _rng.NextDouble() switch
            {
                < 0.85 => size == 0 ? 0 : Int(-size, size),
                < 0.95 => Pick(size, -size - 1, size + 7),
                _ => Pick(long.MaxValue, long.MinValue, 1L << 40, int.MaxValue),
            };
        var t = Nabla.Tensor.From(v).Reshape(sh).To(dt);
        if (sh.Length >= 2 && Coin(0.2)) t = t.Transpose(0, 1).Contiguous().Transpose(0, 1);
        return Log<Tensor?>("index", t);
    }

    /// <summary>A Bool mask shaped like <paramref name="shape"/> (or a broadcastable / wrong one).</summary>
    public Tensor? Mask(int[] shape)
    {
        var sh = Coin(0.8) ? shape : Coin() ? shape.Skip(Int(0, shape.Length + 1)).ToArray() : Shape();
        var dt = Coin(0.9) ? Nabla.DType.Bool : Pick(AllDTypes);
        return Log("mask", Tensor(dt, sh));
    }

    /// <summary>A string option: one PyTorch knows, or a typo.</summary>
    public string Option(params string[] valid) => Log("option", Coin(0.9) ? Pick(valid) : Pick("", "bogus", valid[0].ToUpperInvariant()));

    /// <summary>A typed option: one of the given enum members (a typo cannot compile, so none is drawn).</summary>
    public T Option<T>(params T[] valid) where T : struct, Enum => Log("option", Pick(valid));

    public TensorIndex KeyEntry(int size)
    {
        var k = Int(0, 12);
        TensorIndex e = k switch
        {
            0 or 1 => size == 0 ? 0 : Int(-size, size),
            2 => Pick(size, -size - 1, int.MaxValue),
            3 => Pick(1L << 40, long.MinValue),
            4 => Pick<Index>(^0, ^1, ^(size + 1)),
            5 or 6 => TensorIndex.Slice(Coin() ? null : Int(-size - 2, size + 2), Coin() ? null : Int(-size - 2, size + 2), Pick(1, 1, 2, 3, 0, -1, int.MaxValue)),
            7 => TensorIndex.Ellipsis,
            8 => TensorIndex.NewAxis,
            9 => Index(size) is { } ix ? ix : TensorIndex.Ellipsis,
            10 => Tensor(Pick(Nabla.DType.Bool, Nabla.DType.UInt8), Coin() ? [] : Shape(Pick(1, 2))) is { } m ? m : TensorIndex.NewAxis,
            _ => ..,
        };
        _log.Add($"key[{k}]");
        return e;
    }

    public TensorIndex[] Key(Tensor x)
    {
        int n = Pick(0, 1, 1, 2, 2, 3, 4);
        var key = new TensorIndex[n];
        for (int i = 0; i < n; i++) key[i] = KeyEntry(x.Dim > 0 ? x.Shape[Math.Min(i, x.Dim - 1)] : 1);
        return key;
    }
}
