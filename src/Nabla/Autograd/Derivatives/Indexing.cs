namespace Nabla;

internal static partial class Derivatives
{
    // ---- advanced indexing: node names -------------------------------------------------------------------------
    internal const string IndexBackward0 = nameof(IndexBackward0);
    internal const string IndexPutBackward0 = nameof(IndexPutBackward0);
    internal const string IndexSelectBackward0 = nameof(IndexSelectBackward0);

    /// <summary>
    /// Where the saved index tensors sit in an index list with gaps: the saved list holds only the present
    /// indices, so an index modified in place after the forward call is caught by the version check.
    /// </summary>
    internal readonly record struct IndexSlots(int[] Present, int Count)
    {
        public static IndexSlots Of(Tensor?[] indices) =>
            new(Enumerable.Range(0, indices.Length).Where(i => indices[i] is not null).ToArray(), indices.Length);

        /// <summary>The tensors to save, in slot order.</summary>
        public static Tensor[] Saved(Tensor?[] indices) => indices.OfType<Tensor>().ToArray();

        /// <summary>The index list rebuilt from the saved tensors starting at <paramref name="first"/>.</summary>
        public Tensor?[] Rebuild(Tensor[] saved, int first = 0)
        {
            var list = new Tensor?[Count];
            for (int k = 0; k < Present.Length; k++) list[Present[k]] = saved[first + k];
            return list;
        }
    }

    /// <summary>index (saved: the indices): the gradient accumulated into zeros at the indexed positions.</summary>
    internal static Tensor?[] Index(Tensor g, Tensor[] s, bool[] _, (int[] Shape, IndexSlots Slots) a) =>
        [Tensor.Zeros(a.Shape, g.DType).IndexPut(a.Slots.Rebuild(s), g, accumulate: true)];

    /// <summary>index_put (saved: the indices): self's gradient with the written positions zeroed, values' gradient gathered there.</summary>
    internal static Tensor?[] IndexPut(Tensor g, Tensor[] s, bool[] needs, (IndexSlots Slots, bool Accumulate) a)
    {
        var indices = a.Slots.Rebuild(s);
        return
        [
            needs[0] ? (a.Accumulate ? g : g.IndexPut(indices, Tensor.Zeros([], g.DType))) : null,
            needs[1] ? g.Index(indices) : null,
        ];
    }
}
