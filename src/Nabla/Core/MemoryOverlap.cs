namespace Nabla.Core;

/// <summary>How two tensors' memory meets (ATen's MemOverlapStatus): not at all, exactly, partly, or too hard to tell.</summary>
internal enum MemoryOverlap { No, Full, Partial, TooHard }

/// <summary>
/// ATen's get_overlap_status, which guards in-place writes: only layouts that are non-overlapping and dense (a
/// permutation of a contiguous block) are compared; their element ranges in one storage meet fully (same start,
/// end and strides), partly, or not at all. Anything else is too hard to tell and is let through, as in PyTorch.
/// </summary>
internal static class Overlaps
{
    public const string Message = "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.";

    public static MemoryOverlap Of(Tensor a, Tensor b)
    {
        if (ReferenceEquals(a, b)) return MemoryOverlap.Full;
        if (a.Numel == 0 || b.Numel == 0) return MemoryOverlap.No;
        if (!IsNonOverlappingAndDense(a.Layout) || !IsNonOverlappingAndDense(b.Layout)) return MemoryOverlap.TooHard;
        if (!ReferenceEquals(a.Storage, b.Storage)) return MemoryOverlap.No;
        long aBegin = a.Layout.Offset, aEnd = aBegin + a.Numel, bBegin = b.Layout.Offset, bEnd = bBegin + b.Numel;
        if (aBegin == bBegin && aEnd == bEnd)
            return a.Layout.Strides.AsSpan().SequenceEqual(b.Layout.Strides) ? MemoryOverlap.Full : MemoryOverlap.Partial;
        return aBegin < bEnd && bBegin < aEnd ? MemoryOverlap.Partial : MemoryOverlap.No;
    }

    /// <summary>assert_no_partial_overlap: an in-place op may read its own output exactly, never a shifted or transposed alias of it.</summary>
    public static void RefusePartial(Tensor written, Tensor input)
    {
        if (Of(written, input) == MemoryOverlap.Partial) throw Errors.Runtime(Message);
    }

    /// <summary>assert_no_overlap: ops that read while they scatter may not read their output at all.</summary>
    public static void RefuseAny(Tensor written, Tensor input)
    {
        if (Of(written, input) is MemoryOverlap.Partial or MemoryOverlap.Full) throw Errors.Runtime(Message);
    }

    /// <summary>is_non_overlapping_and_dense: the dims sorted by stride (size-1 dims aside) tile a contiguous block starting at the offset.</summary>
    private static bool IsNonOverlappingAndDense(Layout layout)
    {
        if (layout.IsContiguous) return true;
        var dims = Enumerable.Range(0, layout.Rank).Where(d => layout.Sizes[d] != 1)
            .OrderBy(d => layout.Strides[d]).ThenBy(d => layout.Sizes[d]).ToArray();
        long expected = 1;
        foreach (var d in dims)
        {
            if (layout.Strides[d] != expected) return false;
            expected *= layout.Sizes[d];
        }
        return true;
    }
}
