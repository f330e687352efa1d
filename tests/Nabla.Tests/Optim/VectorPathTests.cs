using Nabla.Optim;

namespace Nabla.Tests.Optim;

/// <summary>
/// The vectorized bodies of the fused updates must give the scalar loop's bits: one long parameter (vector body plus
/// scalar tail) against the same elements as one-element parameters (scalar loop only), step by step.
/// </summary>
public class VectorPathTests
{
    public static TheoryData<string> Configs() => new() { "adam", "adam-ams-wd", "adamw-max", "adam-small-beta1", "adam-f64", "sgd", "sgd-momentum-wd", "sgd-nesterov-max", "sgd-damp-f64" };

    private static Optimizer Make(string config, IEnumerable<Tensor> ps) => config switch
    {
        "adam" => new Adam(ps, lr: 0.01),
        "adam-ams-wd" => new Adam(ps, lr: 0.01, weightDecay: 0.1, amsgrad: true),
        "adamw-max" => new AdamW(ps, lr: 0.01, weightDecay: 0.05, maximize: true),
        "adam-small-beta1" => new Adam(ps, lr: 0.01, betas: (0.3, 0.9)),
        "sgd" => new SGD(ps, lr: 0.1),
        "sgd-momentum-wd" => new SGD(ps, lr: 0.1, momentum: 0.9, weightDecay: 0.01),
        "sgd-nesterov-max" => new SGD(ps, lr: 0.1, momentum: 0.8, nesterov: true, maximize: true),
        "sgd-damp-f64" => new SGD(ps, lr: 0.1, momentum: 0.7, dampening: 0.2),
        _ => new Adam(ps, lr: 0.01),
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void LongParameterEqualsOneElementParameters(string config)
    {
        const int n = 1003;
        var dtype = config.EndsWith("f64") ? DType.Float64 : DType.Float32;
        Tensor.ManualSeed(1);
        var init = Tensor.Randn([n], dtype);
        var whole = init.Clone().Detach().RequiresGrad_();
        var parts = Enumerable.Range(0, n).Select(i => init[i..(i + 1)].Clone().Detach().RequiresGrad_()).ToArray();
        var optWhole = Make(config, [whole]);
        var optParts = Make(config, parts);
        for (int step = 0; step < 5; step++)
        {
            var grad = Tensor.Randn([n], dtype);
            whole.Grad = grad;
            for (int i = 0; i < n; i++) parts[i].Grad = grad[i..(i + 1)].Clone();
            optWhole.Step();
            optParts.Step();
            var w = whole.ToArray<double>();
            for (int i = 0; i < n; i++)
                Assert.True(w[i].Equals(parts[i].ToArray<double>()[0]), $"{config} step {step} element {i}: {w[i]:R} vs {parts[i].ToArray<double>()[0]:R}");
        }
    }
}
