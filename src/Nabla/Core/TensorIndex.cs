namespace Nabla;

/// <summary>
/// One entry of an indexing key: an int, a slice (System.Range or <see cref="Slice"/> with a step), a tensor of
/// indices or a Bool mask, <see cref="Ellipsis"/> or <see cref="NewAxis"/> (Python's None).
/// </summary>
public readonly struct TensorIndex
{
    internal enum Kinds { Int, Slice, Tensor, Ellipsis, NewAxis }

    internal Kinds Kind { get; private init; }
    internal long IntValue { get; private init; }

    /// <summary>C#'s ^0: the position one past the last element (always out of bounds), which no signed int can say.</summary>
    internal bool PastEnd { get; private init; }
    internal int? Start { get; private init; }
    internal int? Stop { get; private init; }
    internal int Step { get; private init; }
    internal Tensor? TensorValue { get; private init; }

    /// <summary>The `...` of a Python key: as many full slices as needed.</summary>
    public static TensorIndex Ellipsis => new() { Kind = Kinds.Ellipsis };

    /// <summary>Python's None in a key: inserts a size-1 dim.</summary>
    public static TensorIndex NewAxis => new() { Kind = Kinds.NewAxis };

    /// <summary>Python's start:stop:step; null bounds mean the ends, negative bounds count from the end.</summary>
    public static TensorIndex Slice(int? start = null, int? stop = null, int step = 1) =>
        new() { Kind = Kinds.Slice, Start = start, Stop = stop, Step = step };

    /// <summary>An int selects one position of its dim (negative counts from the end); the dim disappears.</summary>
    public static implicit operator TensorIndex(int i) => new() { Kind = Kinds.Int, IntValue = i };

    /// <summary>A long index, checked against the dim's size like an int (never truncated).</summary>
    public static implicit operator TensorIndex(long i) => new() { Kind = Kinds.Int, IntValue = i };

    /// <summary>C#'s Index: ^k counts from the end like -k; ^0 is one past the end and so out of bounds.</summary>
    public static implicit operator TensorIndex(Index i) =>
        !i.IsFromEnd ? i.Value : i.Value == 0 ? new TensorIndex { Kind = Kinds.Int, PastEnd = true } : -i.Value;

    /// <summary>The position this int index names in a dim of <paramref name="size"/> (before bounds checks).</summary>
    internal long Position(int size) => PastEnd ? size : IntValue;
    /// <summary>An index tensor (Int64/Int32 advanced indexing) or a Bool mask, as in <c>x[idx]</c>.</summary>
    public static implicit operator TensorIndex(Tensor t) => new() { Kind = Kinds.Tensor, TensorValue = t };
    /// <summary>A list of positions, as Python's <c>x[[0, 2]]</c> (advanced indexing).</summary>
    public static implicit operator TensorIndex(long[] indices) => Tensor.From(indices);
    /// <summary>A list of positions, as Python's <c>x[[0, 2]]</c> (advanced indexing).</summary>
    public static implicit operator TensorIndex(int[] indices) => Tensor.From(indices);
    /// <summary>A Boolean mask, as Python's <c>x[[True, False]]</c>.</summary>
    public static implicit operator TensorIndex(bool[] mask) => Tensor.From(mask);

    /// <summary>C#'s range <c>a..b</c> as Python's slice <c>a:b</c>; <c>^k</c> counts from the end.</summary>
    public static implicit operator TensorIndex(Range r) => Slice(
        r.Start.IsFromEnd ? (r.Start.Value == 0 ? int.MaxValue : -r.Start.Value) : r.Start.Value,
        r.End.IsFromEnd ? (r.End.Value == 0 ? null : -r.End.Value) : r.End.Value);
}
