using Nabla.Kernels;

namespace Nabla.Tests;

/// <summary>
/// The packed (32-bit key, position) sort behind argsort of float32, Int32, UInt8, Bool and (within Int32) Int64 rows against the order the
/// 64-bit keys define (<see cref="SortKey.Of{T}"/>, ties in input order), with ties, NaNs, signed zeros and infinities.
/// </summary>
public class PackedSortTests
{
    private static long[] Reference<T>(T[] row, bool descending) where T : unmanaged, System.Numerics.INumber<T> =>
        Enumerable.Range(0, row.Length).OrderBy(i => descending ? ~SortKey.Of(row[i]) : SortKey.Of(row[i])).Select(i => (long)i).ToArray();

    private static void Check<T>(T[] values, int rows) where T : unmanaged, System.Numerics.INumber<T>
    {
        int n = values.Length / rows;
        var t = Tensor.From(values).Reshape(rows, n);
        foreach (bool descending in new[] { false, true })
        {
            var order = t.Argsort(1, descending).ToArray<long>();
            for (int r = 0; r < rows; r++)
                Assert.Equal(Reference(values[(r * n)..((r + 1) * n)], descending), order[(r * n)..((r + 1) * n)]);
            var (sorted, indices) = t.Sort(1, descending, stable: true);
            Assert.Equal(order, indices.ToArray<long>());
            Assert.Equal(t.Gather(1, indices).ToArray<T>(), sorted.ToArray<T>());
        }
    }

    [Fact]
    public void Float32RowsWithTiesNaNsZerosAndInfinities()
    {
        var rng = new Random(1);
        float[] special = [float.NaN, -float.NaN, 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.MinValue, float.Epsilon, -float.Epsilon, 1f, -1f];
        // 64 rows of 196 (enough to sort rows in parallel) drawn from few values, so ties are common
        var values = Enumerable.Range(0, 64 * 196).Select(_ => rng.Next(3) == 0 ? special[rng.Next(special.Length)] : rng.Next(-5, 6) * 0.5f).ToArray();
        Check(values, 64);
        Check(values[..196], 1);
    }

    [Fact]
    public void IntegerAndBoolRows()
    {
        var rng = new Random(2);
        Check(Enumerable.Range(0, 8 * 300).Select(_ => rng.Next(4) == 0 ? (rng.Next(2) == 0 ? int.MinValue : int.MaxValue) : rng.Next(-3, 4)).ToArray(), 8);
        Check(Enumerable.Range(0, 4 * 50).Select(_ => (byte)rng.Next(0, 256)).ToArray(), 4);
        // Int64 rows within Int32's range pack; a row with one value outside does not (the other rows still do)
        var longs = Enumerable.Range(0, 6 * 100).Select(_ => (long)rng.Next(-4, 5) + (rng.Next(5) == 0 ? int.MinValue / 2 : 0)).ToArray();
        Check(longs, 6);
        longs[250] = long.MaxValue;
        longs[260] = (long)int.MinValue - 1;
        longs[270] = (long)int.MaxValue + 1;
        Check(longs, 6);
        var flags = Tensor.From(Enumerable.Range(0, 90).Select(_ => rng.Next(2) == 0).ToArray()).Reshape(3, 30);
        var expected = Enumerable.Range(0, 3).SelectMany(r => Enumerable.Range(0, 30).OrderBy(i => flags[r, i].Item<bool>()).Select(i => (long)i)).ToArray();
        Assert.Equal(expected, flags.Argsort(1, stable: true).ToArray<long>());
    }
}
