using Nabla.IO;
using Nabla.Parity.Harness;
using TorchSharp;
using TorchSharp.PyBridge;
using NNN = Nabla.NN;

namespace Nabla.Parity.IO;

/// <summary>
/// A Nabla model saved as a PyTorch checkpoint and as safetensors loads into the same model built in libtorch
/// (TorchSharp modules through PyBridge's load_py / load_safetensors) with equal weights and equal outputs, and the reverse:
/// a libtorch model saved by PyBridge loads into the Nabla model through Module.LoadStateDict.
/// </summary>
[Collection(DefaultGeneratorsCollection.Name)]
public class ModuleFileParityTests
{
    private static NNN.Sequential NablaModel() => new(new NNN.Linear(4, 8), new NNN.ReLU(), new NNN.Linear(8, 3));

    private static torch.nn.Module<torch.Tensor, torch.Tensor> TorchModel() =>
        torch.nn.Sequential(("0", torch.nn.Linear(4, 8)), ("1", torch.nn.ReLU()), ("2", torch.nn.Linear(8, 3)));

    private static Tensor Input() => Tensor.From(Enumerable.Range(0, 20).Select(i => (float)Math.Sin(i)).ToArray()).Reshape(5, 4);

    private static void AssertSameOutputs(NNN.Sequential n, torch.nn.Module<torch.Tensor, torch.Tensor> t)
    {
        Tensor nOut;
        using (GradMode.NoGrad()) nOut = n.Call(Input());
        using var noGrad = torch.no_grad();
        var tOut = t.call(InputSpec.TorchFromNabla(Input(), false));
        var expected = tOut.data<float>().ToArray();
        var actual = nOut.ToArray<float>();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 + 1.3e-6 * Math.Abs(expected[i]), $"output {i}: {actual[i]} vs {expected[i]}");
        foreach (var (name, p) in n.StateDict())
            Assert.True(InputSpec.TorchFromNabla(p, false).eq(t.state_dict()[name]).all().item<bool>(), $"{name} differs");
    }

    [Theory]
    [InlineData(".pt")]
    [InlineData(".safetensors")]
    public void NablaModelLoadsInLibtorch(string ext)
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(11);
        var n = NablaModel();
        var path = Path.Combine(Path.GetTempPath(), $"nabla-model-{Guid.NewGuid():N}{ext}");
        try
        {
            if (ext == ".pt") PyTorchCheckpoint.SaveStateDict(n.StateDict(), path);
            else SafeTensors.Save(n.StateDict(), path);
            var t = TorchModel();
            if (ext == ".pt") t.load_py(path);
            else t.load_safetensors(path);
            AssertSameOutputs(n, t);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(".pt")]
    [InlineData(".safetensors")]
    public void LibtorchModelLoadsInNabla(string ext)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        var t = TorchModel();
        var path = Path.Combine(Path.GetTempPath(), $"torch-model-{Guid.NewGuid():N}{ext}");
        try
        {
            if (ext == ".pt") t.save_py(path);
            else t.save_safetensors(path);
            var n = NablaModel();
            n.LoadStateDict(ext == ".pt" ? PyTorchCheckpoint.LoadStateDict(path) : SafeTensors.Load(path));
            AssertSameOutputs(n, t);
        }
        finally { File.Delete(path); }
    }
}
