namespace Nabla.Distributed.Worker;

/// <summary>
/// Every collective × reduce op × dtype against a single-process computation: each rank can build every rank's
/// input from a seed, so it computes the expected result itself and compares.
/// </summary>
public static class CollectiveScenarios
{
    private static readonly DType[] AllDTypes = [DType.Bool, DType.UInt8, DType.Int32, DType.Int64, DType.Float32, DType.Float64];
    private static readonly ReduceOp[] AllOps = [ReduceOp.Sum, ReduceOp.Avg, ReduceOp.Product, ReduceOp.Min, ReduceOp.Max];
    private static readonly int[][] Shapes = [[7], [3, 5], [0], [70_003]];

    /// <summary>The values rank <paramref name="rank"/> contributes in case <paramref name="seed"/>, small enough that no dtype overflows.</summary>
    public static double[] Values(int seed, int rank, int part, int numel, DType dtype, ReduceOp op)
    {
        var random = new Random(seed * 7919 + rank * 104_729 + part * 31);
        var values = new double[numel];
        for (int i = 0; i < numel; i++)
        {
            values[i] = dtype switch
            {
                DType.Bool => random.Next(2),
                DType.UInt8 => op == ReduceOp.Product ? random.Next(0, 5) : random.Next(0, 60),
                DType.Int32 or DType.Int64 => op == ReduceOp.Product ? random.Next(-3, 4) : random.Next(-1000, 1000),
                _ => op == ReduceOp.Product ? 0.5 + random.NextDouble() : 4 * random.NextDouble() - 2,
            };
        }
        return values;
    }

    public static Tensor Make(double[] values, int[] shape, DType dtype) => Tensor.From(values).To(dtype).View(shape);

    /// <summary>The reduction over ranks in doubles; Bool's Sum/Max are an or, Min/Product an and.</summary>
    public static double[] Reduce(IReadOnlyList<double[]> perRank, ReduceOp op)
    {
        var result = (double[])perRank[0].Clone();
        for (int r = 1; r < perRank.Count; r++)
        {
            for (int i = 0; i < result.Length; i++)
            {
                double x = perRank[r][i];
                result[i] = op switch
                {
                    ReduceOp.Sum or ReduceOp.Avg => result[i] + x,
                    ReduceOp.Product => result[i] * x,
                    ReduceOp.Min => Math.Min(result[i], x),
                    _ => Math.Max(result[i], x),
                };
            }
        }
        if (op == ReduceOp.Avg)
            for (int i = 0; i < result.Length; i++) result[i] /= perRank.Count;
        return result;
    }

    /// <summary>Bool reduces as logical or/and: the double reference gives the right answer after clamping to 0/1.</summary>
    private static double[] AsDType(double[] values, DType dtype) =>
        dtype == DType.Bool ? values.Select(v => v != 0 ? 1.0 : 0.0).ToArray() : values;

    public static void ExpectEqual(ScenarioContext ctx, Tensor actual, double[] expected, DType dtype, string what)
    {
        ctx.Check(actual.DType == dtype, $"{what}: dtype {actual.DType}, expected {dtype}");
        var got = actual.To(DType.Float64).ToArray<double>();
        ctx.Check(got.Length == expected.Length, $"{what}: {got.Length} elements, expected {expected.Length}");
        double tolerance = dtype switch { DType.Float32 => 2e-6, DType.Float64 => 1e-13, _ => 0 };
        for (int i = 0; i < got.Length; i++)
        {
            double want = dtype == DType.Float32 ? (float)expected[i] : expected[i];
            if (Math.Abs(got[i] - want) > tolerance * Math.Max(1, Math.Abs(want)))
                throw new ScenarioFailedException($"rank {ctx.Rank}: {what}: element {i} is {got[i]}, expected {want}");
        }
    }

    private static bool Supported(DType dtype, ReduceOp op) => op != ReduceOp.Avg || dtype.IsFloatingPoint();

    /// <summary>AllReduce, Broadcast, AllGather, ReduceScatter and Barrier on every dtype, op and a few shapes.</summary>
    [Scenario("collectives")]
    public static void Collectives(ScenarioContext ctx)
    {
        int ws = ctx.WorldSize, seed = 0, checks = 0;
        var group = ctx.Group;
        foreach (var dtype in AllDTypes)
        foreach (var shape in Shapes)
        {
            int numel = shape.Aggregate(1, (a, b) => a * b);
            foreach (var op in AllOps.Where(o => Supported(dtype, o)))
            {
                seed++;
                // AllReduce: every rank ends with the reduction of all ranks' tensors.
                var inputs = Enumerable.Range(0, ws).Select(r => Values(seed, r, 0, numel, dtype, op)).ToList();
                var tensor = Make(inputs[ctx.Rank], shape, dtype);
                int version = tensor.Version;
                group.AllReduce(tensor, op);
                ctx.Check(tensor.Version > version, "AllReduce must bump the tensor's version counter");
                ExpectEqual(ctx, tensor, AsDType(Reduce(inputs, op), dtype), dtype, $"AllReduce({op}) {dtype} [{string.Join(",", shape)}]");

                // ReduceScatter: rank r gets the reduction over ranks k of rank k's inputs[r].
                var parts = Enumerable.Range(0, ws).Select(k => Enumerable.Range(0, ws).Select(r => Values(seed, k, r + 1, numel, dtype, op)).ToList()).ToList();
                var output = Tensor.Zeros(shape, dtype);
                group.ReduceScatter(output, parts[ctx.Rank].Select(v => Make(v, shape, dtype)).ToList(), op);
                var mine = Enumerable.Range(0, ws).Select(k => parts[k][ctx.Rank]).ToList();
                ExpectEqual(ctx, output, AsDType(Reduce(mine, op), dtype), dtype, $"ReduceScatter({op}) {dtype} [{string.Join(",", shape)}]");
                checks += 2;
            }

            // Broadcast from every root.
            for (int src = 0; src < ws; src++)
            {
                seed++;
                var tensor = Make(Values(seed, ctx.Rank, 0, numel, dtype, ReduceOp.Sum), shape, dtype);
                group.Broadcast(tensor, src);
                ExpectEqual(ctx, tensor, Values(seed, src, 0, numel, dtype, ReduceOp.Sum), dtype, $"Broadcast(src={src}) {dtype}");
                checks++;
            }

            // AllGather: outputs[r] is rank r's input on every rank.
            seed++;
            var gathered = Enumerable.Range(0, ws).Select(_ => Tensor.Zeros(shape, dtype)).ToList();
            group.AllGather(gathered, Make(Values(seed, ctx.Rank, 0, numel, dtype, ReduceOp.Sum), shape, dtype));
            for (int r = 0; r < ws; r++)
                ExpectEqual(ctx, gathered[r], Values(seed, r, 0, numel, dtype, ReduceOp.Sum), dtype, $"AllGather {dtype} output {r}");
            group.Barrier();
            checks += 2;
        }
        ctx.Log($"{checks} collectives matched the single-process reference");
    }

    /// <summary>Several collectives in flight at once (issued with the Async calls, waited for in reverse), as DDP's buckets are.</summary>
    [Scenario("async")]
    public static void Async(ScenarioContext ctx)
    {
        int ws = ctx.WorldSize;
        var inputs = Enumerable.Range(0, 8).Select(i => Enumerable.Range(0, ws).Select(r => Values(1000 + i, r, 0, 50_000, DType.Float32, ReduceOp.Sum)).ToList()).ToList();
        var tensors = inputs.Select(perRank => Make(perRank[ctx.Rank], [50_000], DType.Float32)).ToList();
        var works = tensors.Select(t => ctx.Group.AllReduceAsync(t, ReduceOp.Avg)).ToList();
        works.Add(ctx.Group.BarrierAsync());
        for (int i = works.Count - 1; i >= 0; i--) works[i].Wait();
        ctx.Check(works.All(w => w.IsCompleted), "every Work must report IsCompleted after Wait");
        for (int i = 0; i < tensors.Count; i++)
            ExpectEqual(ctx, tensors[i], Reduce(inputs[i], ReduceOp.Avg), DType.Float32, $"async AllReduce #{i}");
        ctx.Log("8 overlapping AllReduceAsync calls matched");
    }

    /// <summary>Bad arguments fail at the call with torch's messages, on every rank alike, and leave the group usable.</summary>
    [Scenario("argument-errors")]
    public static void ArgumentErrors(ScenarioContext ctx)
    {
        var group = ctx.Group;
        int ws = ctx.WorldSize;
        ExpectThrows<ArgumentException>(ctx, () => group.AllReduce(Tensor.Zeros(3, 4).Transpose(0, 1)), "Tensors must be contiguous");
        ExpectThrows<ArgumentException>(ctx, () => group.AllReduce(Tensor.Zeros([4], DType.Int64), ReduceOp.Avg), "ReduceOp.Avg needs a floating-point tensor");
        ExpectThrows<ArgumentException>(ctx, () => group.Broadcast(Tensor.Zeros(2), ws), $"invalid root rank {ws}");
        ExpectThrows<ArgumentException>(ctx, () => group.AllGather([Tensor.Zeros(2)], Tensor.Zeros(2)), $"expected {ws} output tensors");
        var mismatched = Enumerable.Range(0, ws).Select(r => r == ws - 1 ? Tensor.Zeros(3) : Tensor.Zeros(2)).ToList();
        ExpectThrows<ArgumentException>(ctx, () => group.AllGather(mismatched, Tensor.Zeros(2)), $"AllGather: output tensor {ws - 1} is torch.float32 [3]");
        var wrongType = Enumerable.Range(0, ws).Select(_ => Tensor.Zeros([2], DType.Float64)).ToList();
        ExpectThrows<ArgumentException>(ctx, () => group.ReduceScatter(Tensor.Zeros(2), wrongType), "ReduceScatter: input tensor 0 is torch.float64 [2]");
        // Nothing was sent: the group still works.
        var one = Tensor.From(new[] { 1f });
        group.AllReduce(one);
        ExpectEqual(ctx, one, [ws], DType.Float32, "AllReduce after refused calls");
        ctx.Log("argument errors refused with clear messages");
    }

    public static void ExpectThrows<T>(ScenarioContext ctx, Action action, string messagePart) where T : Exception
    {
        try { action(); }
        catch (T e) when (e.Message.Contains(messagePart, StringComparison.Ordinal)) { return; }
        catch (Exception e) { throw new ScenarioFailedException($"rank {ctx.Rank}: expected {typeof(T).Name} with \"{messagePart}\", got {e.GetType().Name}: {e.Message}"); }
        throw new ScenarioFailedException($"rank {ctx.Rank}: expected {typeof(T).Name} with \"{messagePart}\", nothing was thrown");
    }
}
