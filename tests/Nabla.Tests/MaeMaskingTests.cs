using Nabla.Examples;

namespace Nabla.Tests;

public class MaeMaskingTests
{
    [Fact]
    public void KeptTokensAreRowsOfTheInputAndMaskRestoresOrder()
    {
        Tensor.ManualSeed(3);
        var x = Tensor.Arange(64).Reshape(1, 16, 4).To(DType.Float32).RequiresGrad_();
        var (kept, mask, idsRestore) = MaeMasking.RandomMasking(x, 0.75);
        Assert.Equal(new[] { 1, 4, 4 }, kept.Shape);
        var rows = kept.ToArray<float>().Chunk(4).Select(r => (int)r[0] / 4).ToArray();
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
            Assert.Equal(Enumerable.Range(row * 4, 4).Select(v => (float)v), kept[0, i].ToArray<float>());
        // The mask is 0 exactly at the kept rows, in the original order.
        var m = mask.ToArray<float>();
        Assert.Equal(12f, m.Sum());
        Assert.All(rows, r => Assert.Equal(0f, m[r]));
        // Restoring the shuffle is the identity.
        var shuffled = idsRestore.Argsort(1);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), shuffled.Gather(1, idsRestore).ToArray<long>());

        kept.Sum().Backward();
        var perToken = x.Grad!.Sum(-1).ToArray<float>();
        for (int t = 0; t < 16; t++) Assert.Equal(rows.Contains(t) ? 4f : 0f, perToken[t]);
    }
}
