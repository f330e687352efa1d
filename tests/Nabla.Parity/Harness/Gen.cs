namespace Nabla.Parity.Harness;

public enum Values { Normal, Edge, Ties, Positive, NonZero, Small }

/// <summary>Random inputs: shapes of rank 0..4 (with empty dims), layouts (contiguous, transposed, step-sliced, expanded), edge values.</summary>
public sealed class Gen(int seed)
{
    public readonly Random R = new(seed);

    public static readonly DType[] All = [DType.Bool, DType.UInt8, DType.Int32, DType.Int64, DType.Float32, DType.Float64];
    public static readonly DType[] Floats = [DType.Float32, DType.Float64];
    public static readonly DType[] Numeric = [DType.UInt8, DType.Int32, DType.Int64, DType.Float32, DType.Float64];

    public int Int(int lo, int hiExclusive) => R.Next(lo, hiExclusive);
    public bool Coin(double p = 0.5) => R.NextDouble() < p;
    public T Pick<T>(params T[] xs) => xs[R.Next(xs.Length)];

    public int[] Shape(int rank, int maxSize = 4, double emptyP = 0.0)
    {
        var s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = Coin(emptyP) ? 0 : Int(1, maxSize + 1);
        return s;
    }

    /// <summary>A fixed spread of shapes covering ranks 0..4 and empty dims, then some random ones.</summary>
    public IEnumerable<int[]> Shapes(int minRank = 0, int maxRank = 4, int random = 3)
    {
        int[][] fixedShapes = [[], [5], [0], [3, 4], [1, 4], [2, 0, 3], [2, 3, 4], [2, 1, 3, 2]];
        foreach (var s in fixedShapes.Where(s => s.Length >= minRank && s.Length <= maxRank)) yield return s;
        for (int i = 0; i < random; i++) yield return Shape(Int(minRank, maxRank + 1), 5, 0.05);
    }

    public double Value(DType dt, Values kind)
    {
        switch (dt)
        {
            case DType.Bool: return Int(0, 2);
            case DType.UInt8: return kind == Values.NonZero || kind == Values.Positive ? Int(1, 9) : Int(0, 9);
            case DType.Int32:
            case DType.Int64:
                return kind switch
                {
                    Values.NonZero => Pick(-4, -3, -2, -1, 1, 2, 3, 4),
                    Values.Positive => Int(1, 6),
                    Values.Small => Int(0, 4),
                    _ => Int(-5, 6),
                };
        }
        return kind switch
        {
            Values.Edge => Coin(0.5) ? Pick(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1.0, -1.0)
                                     : Math.Round(R.NextDouble() * 6 - 3, 3),
            Values.Ties => Pick(-1.0, 0.0, 1.0, 2.0),
            Values.Positive => 0.1 + R.NextDouble() * 3,
            Values.NonZero => (Coin() ? 1 : -1) * (0.25 + R.NextDouble() * 3),
            Values.Small => R.NextDouble() * 2,
            _ => R.NextDouble() * 6 - 3,
        };
    }

    public double[] ValuesFor(DType dt, int count, Values kind) =>
        Enumerable.Range(0, count).Select(_ => Value(dt, kind)).ToArray();

    /// <summary>A contiguous input of the given shape.</summary>
    public InputSpec Input(DType dt, int[] shape, Values kind = Values.Normal, bool grad = true) =>
        new(dt, shape, ValuesFor(dt, shape.Aggregate(1, (a, b) => a * b), kind), [], grad && dt.IsFloatingPoint());

    /// <summary>An input of the given shape reached through a view: "transposed", "sliced" (step 2) or "expanded".</summary>
    public InputSpec Input(DType dt, int[] shape, string layout, Values kind = Values.Normal, bool grad = true)
    {
        int r = shape.Length;
        int[] baseShape = (int[])shape.Clone();
        ViewOp[] views = [];
        switch (layout)
        {
            case "transposed" when r >= 2:
                {
                    int a = Int(0, r), b = (a + 1 + Int(0, r - 1)) % r;
                    (baseShape[a], baseShape[b]) = (baseShape[b], baseShape[a]);
                    views = [new ViewOp.Transpose(a, b)];
                    break;
                }
            case "sliced" when r >= 1:
                {
                    int d = Int(0, r);
                    baseShape[d] = 2 * shape[d] + 1;
                    views = [new ViewOp.Slice(d, 1, 2 * shape[d] + 1, 2)];
                    break;
                }
            case "expanded" when r >= 1:
                {
                    var cand = Enumerable.Range(0, r).Where(d => shape[d] != 1).ToArray();
                    if (cand.Length == 0) break;
                    int d = Pick(cand);
                    baseShape[d] = 1;
                    views = [new ViewOp.Expand((int[])shape.Clone())];
                    break;
                }
        }
        return new(dt, baseShape, ValuesFor(dt, baseShape.Aggregate(1, (a, b) => a * b), kind), views, grad && dt.IsFloatingPoint());
    }

    public string Layout() => Pick("contiguous", "contiguous", "transposed", "sliced", "expanded");

    public InputSpec AnyLayout(DType dt, int[] shape, Values kind = Values.Normal, bool grad = true) =>
        Input(dt, shape, Layout(), kind, grad);

    public int DimIn(int rank) => rank == 0 ? Pick(0, -1) : Int(-rank, rank);
}
