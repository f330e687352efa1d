using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>AlphaDropout and FeatureAlphaDropout: train/eval, the saturation value of dropped elements, the kept statistics.</summary>
public class AlphaDropoutTests
{
    private const double Alpha = 1.7580993408473766;

    [Fact]
    public void DroppedElementsTakeTheAffineImageOfTheSaturationValue()
    {
        const double p = 0.3;
        var x = Tensor.Randn([40, 50], DType.Float64);
        var y = new AlphaDropout(p).Call(x);
        double a = 1 / Math.Sqrt((Alpha * Alpha * p + 1) * (1 - p));
        var dropped = (-Alpha * a + Alpha * a * p);
        var yv = y.ToArray<double>();
        var xv = x.ToArray<double>();
        int drops = 0;
        for (int i = 0; i < yv.Length; i++)
        {
            if (Math.Abs(yv[i] - dropped) < 1e-12) { drops++; continue; }
            Assert.Equal(a * xv[i] + Alpha * a * p, yv[i], 12);
        }
        Assert.InRange(drops, 450, 750);
        // Zero mean, unit variance in; about the same out.
        Assert.InRange(y.Mean().Item<double>(), -0.1, 0.1);
        Assert.InRange(y.Var().Item<double>(), 0.85, 1.15);
    }

    [Fact]
    public void FeatureAlphaDropoutDropsWholeChannelsAndEvalIsTheIdentity()
    {
        var x = Tensor.Randn([4, 6, 5]);
        var module = new FeatureAlphaDropout(0.5);
        var y = module.Call(x);
        double a = 1 / Math.Sqrt((Alpha * Alpha * 0.5 + 1) * 0.5), shift = Alpha * a * 0.5, dropped = -Alpha * a + shift;
        int droppedChannels = 0;
        for (int n = 0; n < 4; n++)
            for (int c = 0; c < 6; c++)
            {
                var (xs, ys) = (x[n, c].ToArray<float>(), y[n, c].ToArray<float>());
                bool isDropped = ys.All(v => Math.Abs(v - dropped) < 1e-5);
                bool isKept = xs.Zip(ys).All(t => Math.Abs(t.Second - (a * t.First + shift)) < 1e-5);
                Assert.True(isDropped ^ isKept, $"channel ({n}, {c}) is neither wholly dropped nor wholly kept");
                if (isDropped) droppedChannels++;
            }
        Assert.InRange(droppedChannels, 1, 23);
        Assert.Same(x, module.Eval().Call(x));
        Assert.Same(x, F.AlphaDropout(x));   // PyTorch's functional default is training=False
        Assert.Equal("AlphaDropout(p=0.5, inplace=False)", new AlphaDropout().ToString());
        Assert.Equal("FeatureAlphaDropout(p=0.2, inplace=False)", new FeatureAlphaDropout(0.2).ToString());
        Assert.Equal("Feature dropout requires at least 2 dimensions in the input",
            Assert.Throws<ArgumentException>(() => F.FeatureAlphaDropout(Tensor.Ones([3]), training: true)).Message);
        Assert.Equal("dropout probability has to be between 0 and 1, but got 1.5", Assert.Throws<ArgumentException>(() => new AlphaDropout(1.5)).Message);
    }
}
