using Nabla.Core;

namespace Nabla;

/// <summary>
/// A tensor a backward node keeps for later, with the version it had when saved. Unpacking checks the
/// version, so an in-place change in between fails loudly instead of giving wrong gradients.
/// </summary>
internal sealed class SavedTensor
{
    private Tensor? _tensor;
    private readonly int _version;
    private readonly Node? _producer; // set when the saved tensor is an output of the node that saves it
    private readonly int _outputNr;

    public SavedTensor(Tensor tensor, Node? producer = null, int outputNr = 0)
    {
        _tensor = tensor;
        _version = tensor.Version;
        _producer = producer;
        _outputNr = outputNr;
    }

    public Tensor Unpack()
    {
        var t = _tensor ?? throw Errors.State(
            "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
            "Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True " +
            "if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.");
        if (t.Version != _version)
        {
            var fn = _producer ?? t.GradFn;
            int nr = _producer is null ? t.OutputNr : _outputNr;
            string which = fn is null ? "" : $", which is output {nr} of {fn.Name},";
            throw Errors.State(
                "one of the variables needed for gradient computation has been modified by an inplace operation: " +
                $"[{t.DType.CpuTypeName()} {Errors.Shape(t.Sizes)}]{which} is at version {t.Version}; expected version {_version} instead. " +
                "Hint: enable anomaly detection to find the operation that failed to compute its gradient, " +
                "with torch.autograd.set_detect_anomaly(True).");
        }
        return t;
    }

    public void Release() => _tensor = null;
}
