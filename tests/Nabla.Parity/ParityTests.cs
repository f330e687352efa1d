using System.Diagnostics;
using Nabla.Parity.Harness;
using Xunit.Abstractions;

namespace Nabla.Parity;

/// <summary>
/// Live differential tests against libtorch: one theory case per op in <see cref="OpTable"/>.
/// Fixed seed by default; NABLA_PARITY_SEED=random (or a number) and NABLA_PARITY_ITERATIONS=N for longer runs;
/// NABLA_PARITY_OPS="op1;op2" restricts the run to those ops (others pass trivially).
/// </summary>
[Collection(DefaultGeneratorsCollection.Name)]
public class ParityTests(ITestOutputHelper output)
{
    public const int DefaultSeed = 20261126;

    public static TheoryData<string> OpNames()
    {
        var data = new TheoryData<string>();
        foreach (var op in OpTable.Ops) data.Add(op.Name);
        return data;
    }

    public sealed record OpResult(OpInfo Op, int Samples, List<Failure> Failures, List<(Failure, KnownDifferences.Entry)> Known, HashSet<DType> AcceptedDTypes);

    /// <summary>Stable per-op seed (string.GetHashCode is randomised per process).</summary>
    public static int OpSeed(int baseSeed, string op)
    {
        uint h = 2166136261;
        foreach (char c in op) h = (h ^ c) * 16777619;
        return (int)(h ^ (uint)baseSeed) & int.MaxValue;
    }

    public static (int BaseSeed, int Iterations) Settings()
    {
        var s = Environment.GetEnvironmentVariable("NABLA_PARITY_SEED");
        int seed = string.IsNullOrEmpty(s) ? DefaultSeed : s == "random" ? Random.Shared.Next() : int.Parse(s);
        var it = Environment.GetEnvironmentVariable("NABLA_PARITY_ITERATIONS");
        return (seed, string.IsNullOrEmpty(it) ? 1 : int.Parse(it));
    }

    public static OpResult RunOp(OpInfo op, int baseSeed, int iterations)
    {
        var failures = new List<Failure>();
        var known = new List<(Failure, KnownDifferences.Entry)>();
        int count = 0;
        var accepted = new HashSet<DType>();
        for (int it = 0; it < iterations; it++)
        {
            int seed = OpSeed(baseSeed + it, op.Name);
            var g = new Gen(seed);
            foreach (var dt in op.DTypes)
            {
                int k = 0;
                foreach (var sample in op.Samples(g, dt).ToList())
                {
                    count++;
                    List<Failure> fs;
                    try
                    {
                        fs = Runner.Run(op, sample, seed + k++, out bool torchOk);
                        if (torchOk) accepted.Add(dt);
                    }
                    catch (Exception e) { fs = [new Failure(op.Name, sample.Kind, "harness", e.ToString(), sample.ToString())]; }
                    foreach (var f in fs)
                    {
                        var tagged = f with { Sample = $"{f.Sample}  [NABLA_PARITY_SEED={baseSeed + it} dtype={dt}]", DType = dt };
                        if (KnownDifferences.Match(tagged) is { } e) known.Add((tagged, e));
                        else failures.Add(tagged);
                    }
                }
            }
        }
        return new OpResult(op, count, failures, known, accepted);
    }

    [Theory]
    [MemberData(nameof(OpNames))]
    public void MatchesLibTorch(string op)
    {
        var only = Environment.GetEnvironmentVariable("NABLA_PARITY_OPS");
        if (!string.IsNullOrEmpty(only) && !only.Split(';').Contains(op)) return;
        var (seed, iterations) = Settings();
        var sw = Stopwatch.StartNew();
        var r = RunOp(OpTable.Get(op), seed, iterations);
        output.WriteLine($"{op}: {r.Samples} samples, seed {seed}, {iterations} iteration(s), {sw.ElapsedMilliseconds} ms");
        foreach (var (f, e) in r.Known.DistinctBy(x => x.Item2).Take(20))
            output.WriteLine($"KNOWN ({e.What}): {f}");
        if (r.Failures.Count > 0)
        {
            var text = string.Join("\n", r.Failures.Take(25).Select(f => "  " + f));
            Assert.Fail($"{r.Failures.Count} new difference(s) from libtorch for {op} (replay with NABLA_PARITY_SEED={seed}):\n{text}");
        }
    }
}
