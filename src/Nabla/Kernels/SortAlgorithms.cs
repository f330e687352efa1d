using System.Numerics;

namespace Nabla.Kernels;

/// <summary>A value and the position it came from, moved around together by the selection algorithms.</summary>
internal readonly record struct Ranked<T>(T Value, int Position) where T : unmanaged;

/// <summary>A strict "comes first" relation on values, like the comparators PyTorch hands to the C++ algorithms.</summary>
internal interface IComesFirst
{
    static abstract bool Before<T>(T a, T b) where T : unmanaged, INumber<T>;
}

/// <summary>Larger first, NaN above every number (topk largest=True; kthvalue's "greater or NaN").</summary>
internal struct LargerFirst : IComesFirst
{
    public static bool Before<T>(T a, T b) where T : unmanaged, INumber<T> => (T.IsNaN(a) && !T.IsNaN(b)) || a > b;
}

/// <summary>Smaller first, NaN after every number (topk largest=False).</summary>
internal struct SmallerFirst : IComesFirst
{
    public static bool Before<T>(T a, T b) where T : unmanaged, INumber<T> => (!T.IsNaN(a) && T.IsNaN(b)) || a < b;
}

/// <summary>
/// The unstable selections libtorch's CPU kernels run, step for step, so that among equal values Nabla returns
/// the same positions libtorch does: topk goes through libstdc++'s std::partial_sort, or std::nth_element then
/// std::sort (introsort / introselect with median-of-three pivots, insertion sort below 16 elements, heap sort
/// when the depth limit runs out); kthvalue goes through Sedgewick's quickselect.
/// </summary>
internal static class SortAlgorithms<T, TOrder> where T : unmanaged, INumber<T> where TOrder : IComesFirst
{
    private const int InsertionThreshold = 16;

    private static bool Before(in Ranked<T> a, in Ranked<T> b) => TOrder.Before(a.Value, b.Value);

    /// <summary>torch.topk's per-row procedure: afterwards the first k entries hold the selection.</summary>
    public static void TopK(Span<Ranked<T>> s, int k, bool sorted)
    {
        if (k == 0) return;
        if ((long)k * 64 <= s.Length)
        {
            PartialSort(s, k);
            return;
        }
        NthElement(s, k - 1);
        if (sorted) Sort(s[..(k - 1)]); // the k-th is already in place
    }

    /// <summary>std::sort.</summary>
    public static void Sort(Span<Ranked<T>> s)
    {
        if (s.Length == 0) return;
        IntroSortLoop(s, 0, s.Length, 2 * Log2(s.Length));
        FinalInsertionSort(s, 0, s.Length);
    }

    /// <summary>std::nth_element: the element that belongs at <paramref name="nth"/> lands there, smaller ones before it.</summary>
    public static void NthElement(Span<Ranked<T>> s, int nth)
    {
        if (s.Length == 0 || nth == s.Length) return;
        int first = 0, last = s.Length, depth = 2 * Log2(s.Length);
        while (last - first > 3)
        {
            if (depth == 0)
            {
                HeapSelect(s, first, nth + 1, last);
                (s[first], s[nth]) = (s[nth], s[first]);
                return;
            }
            depth--;
            int cut = PartitionAroundMedian(s, first, last);
            if (cut <= nth) first = cut;
            else last = cut;
        }
        InsertionSort(s, first, last);
    }

    /// <summary>std::partial_sort: the first <paramref name="middle"/> entries sorted, through a heap.</summary>
    public static void PartialSort(Span<Ranked<T>> s, int middle)
    {
        HeapSelect(s, 0, middle, s.Length);
        SortHeap(s, 0, middle);
    }

    private static void IntroSortLoop(Span<Ranked<T>> s, int first, int last, int depth)
    {
        while (last - first > InsertionThreshold)
        {
            if (depth == 0)
            {
                HeapSelect(s, first, last, last);
                SortHeap(s, first, last);
                return;
            }
            depth--;
            int cut = PartitionAroundMedian(s, first, last);
            IntroSortLoop(s, cut, last, depth);
            last = cut;
        }
    }

    /// <summary>Moves the median of (first + 1, middle, last - 1) to first and partitions the rest around it.</summary>
    private static int PartitionAroundMedian(Span<Ranked<T>> s, int first, int last)
    {
        int a = first + 1, b = first + (last - first) / 2, c = last - 1;
        int median = Before(s[a], s[b])
            ? Before(s[b], s[c]) ? b : Before(s[a], s[c]) ? c : a
            : Before(s[a], s[c]) ? a : Before(s[b], s[c]) ? c : b;
        (s[first], s[median]) = (s[median], s[first]);
        return UnguardedPartition(s, first + 1, last, first);
    }

    private static int UnguardedPartition(Span<Ranked<T>> s, int first, int last, int pivot)
    {
        while (true)
        {
            while (Before(s[first], s[pivot])) first++;
            last--;
            while (Before(s[pivot], s[last])) last--;
            if (first >= last) return first;
            (s[first], s[last]) = (s[last], s[first]);
            first++;
        }
    }

    private static void FinalInsertionSort(Span<Ranked<T>> s, int first, int last)
    {
        if (last - first <= InsertionThreshold)
        {
            InsertionSort(s, first, last);
            return;
        }
        InsertionSort(s, first, first + InsertionThreshold);
        for (int i = first + InsertionThreshold; i < last; i++) UnguardedLinearInsert(s, i);
    }

    private static void InsertionSort(Span<Ranked<T>> s, int first, int last)
    {
        for (int i = first + 1; i < last; i++)
        {
            if (Before(s[i], s[first]))
            {
                var value = s[i];
                s[first..i].CopyTo(s[(first + 1)..(i + 1)]);
                s[first] = value;
            }
            else UnguardedLinearInsert(s, i);
        }
    }

    private static void UnguardedLinearInsert(Span<Ranked<T>> s, int last)
    {
        var value = s[last];
        int next = last - 1;
        while (Before(value, s[next]))
        {
            s[last] = s[next];
            last = next;
            next--;
        }
        s[last] = value;
    }

    /// <summary>Builds a heap on [first, middle) and swaps in every later entry that belongs before its top.</summary>
    private static void HeapSelect(Span<Ranked<T>> s, int first, int middle, int last)
    {
        MakeHeap(s, first, middle);
        for (int i = middle; i < last; i++)
            if (Before(s[i], s[first])) PopHeap(s, first, middle, i);
    }

    private static void MakeHeap(Span<Ranked<T>> s, int first, int last)
    {
        int length = last - first;
        if (length < 2) return;
        for (int parent = (length - 2) / 2; ; parent--)
        {
            AdjustHeap(s, first, parent, length, s[first + parent]);
            if (parent == 0) return;
        }
    }

    private static void SortHeap(Span<Ranked<T>> s, int first, int last)
    {
        while (last - first > 1)
        {
            last--;
            PopHeap(s, first, last, last);
        }
    }

    /// <summary>Moves the heap top to <paramref name="result"/> and re-heaps with the value that was there.</summary>
    private static void PopHeap(Span<Ranked<T>> s, int first, int last, int result)
    {
        var value = s[result];
        s[result] = s[first];
        AdjustHeap(s, first, 0, last - first, value);
    }

    /// <summary>Sinks a hole from <paramref name="hole"/> to a leaf along larger children, then lifts <paramref name="value"/> into place.</summary>
    private static void AdjustHeap(Span<Ranked<T>> s, int first, int hole, int length, Ranked<T> value)
    {
        int top = hole, child = hole;
        while (child < (length - 1) / 2)
        {
            child = 2 * (child + 1);
            if (Before(s[first + child], s[first + child - 1])) child--;
            s[first + hole] = s[first + child];
            hole = child;
        }
        if ((length & 1) == 0 && child == (length - 2) / 2)
        {
            child = 2 * (child + 1);
            s[first + hole] = s[first + child - 1];
            hole = child - 1;
        }
        int parent = (hole - 1) / 2;
        while (hole > top && Before(s[first + parent], value))
        {
            s[first + hole] = s[first + parent];
            hole = parent;
            parent = (hole - 1) / 2;
        }
        s[first + hole] = value;
    }

    /// <summary>
    /// kthvalue's quickselect: afterwards entry <paramref name="k"/> holds the k-th in <typeparamref name="TOrder"/>'s
    /// reverse (the comparator is "greater or NaN", so the k-th smallest with NaN largest).
    /// </summary>
    public static void QuickSelect(Span<Ranked<T>> s, int k)
    {
        int left = 0, right = s.Length - 1;
        while (right > left)
        {
            if (right == left + 1)
            {
                if (Before(s[left], s[right])) Swap(s, left, right);
                return;
            }
            // Median of three: afterwards s[left + 1] <= s[left] <= s[right], and s[left] is the pivot.
            Swap(s, (left + right) >> 1, left + 1);
            if (Before(s[left + 1], s[right])) Swap(s, left + 1, right);
            if (Before(s[left], s[right])) Swap(s, left, right);
            if (Before(s[left + 1], s[left])) Swap(s, left + 1, left);
            int i = left + 1, j = right;
            var pivot = s[left];
            while (true)
            {
                do i++; while (Before(pivot, s[i]));
                do j--; while (Before(s[j], pivot));
                if (j < i) break;
                Swap(s, i, j);
            }
            Swap(s, left, j);
            if (j <= k) left = i;
            if (j >= k) right = j - 1;
        }
    }

    private static void Swap(Span<Ranked<T>> s, int a, int b) => (s[a], s[b]) = (s[b], s[a]);

    private static int Log2(int n) => BitOperations.Log2((uint)n);
}
