namespace Nabla.NN;

/// <summary>torch.nn.ReLU: max(0, x).</summary>
public class ReLU : Module<Tensor, Tensor>
{
    /// <summary>F.relu(input).</summary>
    public override Tensor Forward(Tensor input) => F.Relu(input);
}

/// <summary>torch.nn.Softmax over <see cref="Dim"/>.</summary>
public class Softmax(int dim) : Module<Tensor, Tensor>
{
    /// <summary>dim.</summary>
    public int Dim { get; } = dim;

    /// <summary>F.softmax(input, dim).</summary>
    public override Tensor Forward(Tensor input) => F.Softmax(input, Dim);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>torch.nn.LogSoftmax over <see cref="Dim"/>.</summary>
public class LogSoftmax(int dim) : Module<Tensor, Tensor>
{
    /// <summary>dim.</summary>
    public int Dim { get; } = dim;

    /// <summary>F.log_softmax(input, dim).</summary>
    public override Tensor Forward(Tensor input) => F.LogSoftmax(input, Dim);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>torch.nn.Tanh: torch.tanh(x).</summary>
public class Tanh : Module<Tensor, Tensor>
{
    /// <summary>input.tanh().</summary>
    public override Tensor Forward(Tensor input) => input.Tanh();
}

/// <summary>torch.nn.Sigmoid: torch.sigmoid(x).</summary>
public class Sigmoid : Module<Tensor, Tensor>
{
    /// <summary>input.sigmoid().</summary>
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}
