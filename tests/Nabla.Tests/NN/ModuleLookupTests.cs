using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>Module.GetSubmodule / GetParameter / GetBuffer: PyTorch's dotted targets and its AttributeError wording.</summary>
public class ModuleLookupTests
{
    private static Sequential Model() =>
        new(new Sequential(new Linear(4, 3), new BatchNorm1d(3)), new Linear(3, 2, bias: false));

    [Fact]
    public void DottedTargetsReachTheRegisteredMembers()
    {
        var model = Model();
        var inner = (Sequential)model[0];
        Assert.Same(model, model.GetSubmodule(""));
        Assert.Same(inner, model.GetSubmodule("0"));
        Assert.Same(inner[1], model.GetSubmodule("0.1"));
        Assert.Same(((Linear)inner[0]).Weight, model.GetParameter("0.0.weight"));
        Assert.Same(((Linear)model[1]).Weight, model.GetParameter("1.weight"));
        Assert.Same(((BatchNorm1d)inner[1]).RunningMean, model.GetBuffer("0.1.running_mean"));
        Assert.Same(((BatchNorm1d)inner[1]).NumBatchesTracked, model.GetBuffer("0.1.num_batches_tracked"));
        foreach (var (name, p) in model.NamedParameters()) Assert.Same(p, model.GetParameter(name));
        foreach (var (name, b) in model.NamedBuffers()) Assert.Same(b, model.GetBuffer(name));
        foreach (var (name, m) in model.NamedModules()) Assert.Same(m, model.GetSubmodule(name));
    }

    [Fact]
    public void ABufferSlotRegisteredAsNoneIsReturnedAsNull()
    {
        var bn = new BatchNorm1d(3, trackRunningStats: false);
        Assert.Null(bn.GetBuffer("running_mean"));
    }

    [Theory]
    [InlineData("2", "Sequential has no attribute `2`")]
    [InlineData("0.5.weight", "Sequential has no attribute `5`")]
    [InlineData("0.0.weight", "`weight` is not an nn.Module")]
    [InlineData("0.1.running_mean", "`running_mean` is not an nn.Module")]
    public void GetSubmoduleFailsWithPyTorchsWords(string target, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Model().GetSubmodule(target));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("0.0.scale", "Linear has no attribute `scale`")]
    [InlineData("weight", "Sequential has no attribute `weight`")]
    [InlineData("1.bias", "`bias` is not an nn.Parameter")]
    [InlineData("0.1.running_var", "`running_var` is not an nn.Parameter")]
    [InlineData("0.1", "`1` is not an nn.Parameter")]
    [InlineData("3.weight", "Sequential has no attribute `3`")]
    public void GetParameterFailsWithPyTorchsWords(string target, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Model().GetParameter(target));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("0.1.mean", "BatchNorm1d has no attribute `mean`")]
    [InlineData("0.1.weight", "`weight` is not a buffer")]
    [InlineData("0.0.weight.data", "`weight` is not an nn.Module")]
    public void GetBufferFailsWithPyTorchsWords(string target, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Model().GetBuffer(target));
        Assert.Equal(message, e.Message);
    }
}
