using Nabla.Core;

namespace Nabla.NN;

/// <summary>torch.nn.Dropout: F.dropout in training mode, the identity in evaluation mode.</summary>
public class Dropout : DropoutNd
{
    /// <summary>nn.Dropout(p).</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> outside [0, 1].</exception>
    public Dropout(double p = 0.5) : base(p) { }

    /// <summary>F.dropout(input, p, training).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.Dropout(input, P, Training);
    }
}

/// <summary>torch.nn.Dropout1d: <see cref="F.Dropout1d"/> in training mode, the identity in eval mode.</summary>
public class Dropout1d : DropoutNd
{
    /// <summary>nn.Dropout1d(p).</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> outside [0, 1].</exception>
    public Dropout1d(double p = 0.5) : base(p) { }

    /// <summary>F.dropout1d(input, p, training).</summary>
    public override Tensor Forward(Tensor input) => F.Dropout1d(input, P, Training);
}

/// <summary>torch.nn.Dropout2d: <see cref="F.Dropout2d"/> in training mode, the identity in eval mode.</summary>
public class Dropout2d : DropoutNd
{
    /// <summary>nn.Dropout2d(p).</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> outside [0, 1].</exception>
    public Dropout2d(double p = 0.5) : base(p) { }

    /// <summary>F.dropout2d(input, p, training).</summary>
    public override Tensor Forward(Tensor input) => F.Dropout2d(input, P, Training);
}

/// <summary>torch.nn.Dropout3d: <see cref="F.Dropout3d"/> in training mode, the identity in eval mode.</summary>
public class Dropout3d : DropoutNd
{
    /// <summary>nn.Dropout3d(p).</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> outside [0, 1].</exception>
    public Dropout3d(double p = 0.5) : base(p) { }

    /// <summary>F.dropout3d(input, p, training).</summary>
    public override Tensor Forward(Tensor input) => F.Dropout3d(input, P, Training);
}

/// <summary>The shared part of the dropout modules (torch's _DropoutNd): p, its check and the repr.</summary>
public abstract class DropoutNd : Module<Tensor, Tensor>
{
    /// <summary>Checks and stores <paramref name="p"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> outside [0, 1].</exception>
    protected DropoutNd(double p)
    {
        if (!(p >= 0 && p <= 1)) throw Errors.Runtime($"dropout probability has to be between 0 and 1, but got {Repr.Of(p)}");
        P = p;
    }

    /// <summary>p, the probability of zeroing an element (a whole channel for Dropout1d/2d/3d).</summary>
    public double P { get; }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"p={Repr.Of(P)}, inplace=False";
}

/// <summary>torch.nn.AlphaDropout: <see cref="F.AlphaDropout"/> in training mode, the identity in eval mode.</summary>
public class AlphaDropout : DropoutNd
{
    /// <summary>nn.AlphaDropout(p).</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> outside [0, 1].</exception>
    public AlphaDropout(double p = 0.5) : base(p) { }

    /// <summary>F.alpha_dropout(input, p, training).</summary>
    public override Tensor Forward(Tensor input) => F.AlphaDropout(input, P, Training);
}

/// <summary>torch.nn.FeatureAlphaDropout: <see cref="F.FeatureAlphaDropout"/> in training mode, the identity in eval mode.</summary>
public class FeatureAlphaDropout : DropoutNd
{
    /// <summary>nn.FeatureAlphaDropout(p).</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> outside [0, 1].</exception>
    public FeatureAlphaDropout(double p = 0.5) : base(p) { }

    /// <summary>F.feature_alpha_dropout(input, p, training).</summary>
    public override Tensor Forward(Tensor input) => F.FeatureAlphaDropout(input, P, Training);
}
