namespace Nabla.Examples;

/// <summary>
/// MAE's random masking: shuffle the tokens of each sample by argsort of uniform noise, keep the first
/// (1 - maskRatio) of them with gather, and restore a binary mask to the original token order.
/// </summary>
public static class MaeMasking
{
    public static (Tensor Kept, Tensor Mask, Tensor IdsRestore) RandomMasking(Tensor x, double maskRatio)
    {
        int n = x.Size(0), l = x.Size(1), d = x.Size(2);
        int lenKeep = (int)(l * (1 - maskRatio));
        var noise = Tensor.Rand(n, l);
        var idsShuffle = noise.Argsort(1);       // ascending: small noise is kept
        var idsRestore = idsShuffle.Argsort(1);
        var idsKeep = idsShuffle[.., ..lenKeep];
        var kept = x.Gather(1, idsKeep.Unsqueeze(-1).Repeat(1, 1, d));
        var mask = Tensor.Ones(n, l);
        mask[.., ..lenKeep] = Tensor.From(0f);
        mask = mask.Gather(1, idsRestore);       // 0 = kept, 1 = removed, in the original order
        return (kept, mask, idsRestore);
    }

    public static void Run()
    {
        Tensor.ManualSeed(0);
        var x = Tensor.Arange(64).Reshape(1, 16, 4).To(DType.Float32).RequiresGrad_();
        var (kept, mask, idsRestore) = RandomMasking(x, 0.75);
        Console.WriteLine(kept);
        Console.WriteLine(mask);
        Console.WriteLine(idsRestore);
        kept.Sum().Backward();
        Console.WriteLine(x.Grad!.Sum(-1)); // 1 per kept token (times D), 0 elsewhere
    }
}
