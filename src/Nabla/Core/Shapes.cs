namespace Nabla.Core;

/// <summary>Broadcasting rules on shapes.</summary>
internal static class Shapes
{
    /// <summary>The broadcast shape of two shapes, or PyTorch's error naming both sizes and the output dim.</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int n = Math.Max(a.Length, b.Length);
        var result = new int[n];
        for (int i = n - 1; i >= 0; i--) // libtorch reports the last mismatching dim
        {
            int ia = i - (n - a.Length), ib = i - (n - b.Length);
            int sa = ia >= 0 ? a[ia] : 1, sb = ib >= 0 ? b[ib] : 1;
            if (sa != sb && sa != 1 && sb != 1)
                throw Errors.Runtime($"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at non-singleton dimension {i}");
            result[i] = sa == 1 ? sb : sa;
        }
        return result;
    }

    /// <summary>True when a tensor of shape <paramref name="shape"/> can be expanded to <paramref name="target"/>.</summary>
    public static bool IsExpandableTo(ReadOnlySpan<int> shape, ReadOnlySpan<int> target)
    {
        if (shape.Length > target.Length) return false;
        for (int i = 1; i <= shape.Length; i++)
        {
            int s = shape[^i], t = target[^i];
            if (s != t && s != 1) return false;
        }
        return true;
    }
}
