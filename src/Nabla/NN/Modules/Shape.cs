namespace Nabla.NN;

/// <summary>torch.nn.Identity: returns its input (the constructor arguments PyTorch ignores are not taken).</summary>
public class Identity : Module<Tensor, Tensor>
{
    /// <summary>The input itself.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input;
    }
}

/// <summary>torch.nn.Flatten: merges dims <see cref="StartDim"/>..<see cref="EndDim"/> (by default all but the batch dim).</summary>
public class Flatten(int startDim = 1, int endDim = -1) : Module<Tensor, Tensor>
{
    /// <summary>start_dim.</summary>
    public int StartDim { get; } = startDim;
    /// <summary>end_dim.</summary>
    public int EndDim { get; } = endDim;

    /// <summary>input.flatten(start_dim, end_dim).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Flatten(StartDim, EndDim);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"start_dim={Repr.Of(StartDim)}, end_dim={Repr.Of(EndDim)}";
}

/// <summary>torch.nn.Unflatten: splits dim <see cref="Dim"/> into <see cref="UnflattenedSize"/>.</summary>
public class Unflatten(int dim, int[] unflattenedSize) : Module<Tensor, Tensor>
{
    /// <summary>dim.</summary>
    public int Dim { get; } = dim;
    /// <summary>unflattened_size.</summary>
    public int[] UnflattenedSize { get; } = unflattenedSize ?? throw new ArgumentNullException(nameof(unflattenedSize));

    /// <summary>input.unflatten(dim, unflattened_size): a view with that dim replaced by the given sizes (one may be -1).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int d = Core.Errors.WrapDim(Dim, input.Dim);
        var shape = input.Shape;
        int known = UnflattenedSize.Where(s => s != -1).Aggregate(1, (a, b) => a * b);
        bool inferred = UnflattenedSize.Contains(-1);
        if (inferred ? known == 0 || shape[d] % known != 0 : known != shape[d])
            throw Core.Errors.Runtime($"unflatten: Provided sizes {Core.Errors.Shape(UnflattenedSize)} don't multiply up to the size of dim {Dim} ({shape[d]}) in the input tensor");
        int[] sizes = [.. shape[..d], .. UnflattenedSize, .. shape[(d + 1)..]];
        return input.View(sizes);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Repr.Of(Dim)}, unflattened_size={Repr.Tuple(UnflattenedSize)}";
}
