using Nabla.Core;

namespace Nabla.NN;

/// <summary>torch.nn.Dropout: F.dropout in training mode, the identity in evaluation mode.</summary>
public class Dropout : Module<Tensor, Tensor>
{
    /// <summary>nn.Dropout(p).</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> outside [0, 1].</exception>
    public Dropout(double p = 0.5)
    {
        if (!(p >= 0 && p <= 1)) throw Errors.Runtime($"dropout probability has to be between 0 and 1, but got {Repr.Of(p)}");
        P = p;
    }

    /// <summary>p, the probability of zeroing an element.</summary>
    public double P { get; }

    /// <summary>F.dropout(input, p, training).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.Dropout(input, P, Training);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"p={Repr.Of(P)}, inplace=False";
}
