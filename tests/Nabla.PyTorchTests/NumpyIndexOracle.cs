namespace Nabla.PyTorchTests;

/// <summary>
/// A deliberately naive, element-by-element model of NumPy's integer-array indexing, used where PyTorch's
/// test_indexing.py compares against NumPy (assert_get_eq / assert_set_eq). A key holds full slices,
/// Ellipsis and integer arrays (with their shapes); arrays broadcast together, and their result dims go
/// where the first array is when the arrays are adjacent, in front otherwise.
/// </summary>
internal sealed class NumpyIndexOracle
{
    /// <summary>One key item: null for ':' , <see cref="Ellipsis"/>, or an integer array.</summary>
    public sealed record Item(long[] Values, int[] Shape);

    public static readonly Item Ellipsis = new([], [-1]);

    private readonly int[] _shape;
    private readonly Item?[] _key;
    private readonly int[] _bshape;
    private readonly int[] _advancedDims;
    private readonly bool _adjacent;

    public int[] ResultShape { get; }

    /// <summary>False when an array holds an index outside [-size, size) of the dim it indexes (NumPy: IndexError).</summary>
    public bool InBounds => _advancedDims.All(d => _key[d]!.Values.All(v => v >= -_shape[d] && v < _shape[d]));

    public NumpyIndexOracle(int[] shape, Item?[] key)
    {
        _shape = shape;
        int specified = key.Count(k => !ReferenceEquals(k, Ellipsis));
        var full = new List<Item?>();
        foreach (var k in key)
            if (ReferenceEquals(k, Ellipsis)) for (int i = 0; i < shape.Length - specified; i++) full.Add(null);
            else full.Add(k);
        while (full.Count < shape.Length) full.Add(null);
        _key = [.. full];
        _advancedDims = Enumerable.Range(0, _key.Length).Where(i => _key[i] is not null).ToArray();
        _adjacent = _advancedDims.Length == 0 || _advancedDims[^1] - _advancedDims[0] == _advancedDims.Length - 1;
        int brank = _advancedDims.Length == 0 ? 0 : _advancedDims.Max(d => _key[d]!.Shape.Length);
        _bshape = Enumerable.Repeat(1, brank).ToArray();
        foreach (var d in _advancedDims)
        {
            var s = _key[d]!.Shape;
            for (int i = 0; i < s.Length; i++)
            {
                int j = brank - s.Length + i;
                if (_bshape[j] == 1) _bshape[j] = s[i];
                else if (s[i] != 1 && s[i] != _bshape[j]) throw new InvalidOperationException("oracle: no broadcast");
            }
        }
        var result = new List<int>();
        var sliced = Enumerable.Range(0, shape.Length).Where(i => _key[i] is null).ToList();
        if (_adjacent && _advancedDims.Length > 0)
        {
            result.AddRange(sliced.Where(d => d < _advancedDims[0]).Select(d => shape[d]));
            result.AddRange(_bshape);
            result.AddRange(sliced.Where(d => d > _advancedDims[0]).Select(d => shape[d]));
        }
        else
        {
            result.AddRange(_bshape);
            result.AddRange(sliced.Select(d => shape[d]));
        }
        ResultShape = [.. result];
    }

    /// <summary>The flat source offset (row-major) read by each result element, in result order.</summary>
    public long[] SourceOffsets()
    {
        int n = ResultShape.Aggregate(1, (a, b) => a * b);
        var offsets = new long[n];
        var ridx = new int[ResultShape.Length];
        var sliced = Enumerable.Range(0, _shape.Length).Where(i => _key[i] is null).ToList();
        for (int flat = 0; flat < n; flat++)
        {
            int rem = flat;
            for (int d = ResultShape.Length - 1; d >= 0; d--) { ridx[d] = rem % ResultShape[d]; rem /= ResultShape[d]; }
            int bstart = _adjacent && _advancedDims.Length > 0 ? sliced.Count(d => d < _advancedDims[0]) : 0;
            var bidx = ridx.Skip(bstart).Take(_bshape.Length).ToArray();
            var slicedIdx = ridx.Take(bstart).Concat(ridx.Skip(bstart + _bshape.Length)).ToArray();
            long offset = 0;
            int s = 0;
            for (int d = 0; d < _shape.Length; d++)
            {
                long i;
                if (_key[d] is { } item)
                {
                    int lin = 0;
                    var sh = item.Shape;
                    for (int k = 0; k < sh.Length; k++)
                    {
                        int b = bidx[_bshape.Length - sh.Length + k];
                        lin = lin * sh[k] + (sh[k] == 1 ? 0 : b);
                    }
                    i = item.Values[lin];
                    if (i < 0) i += _shape[d];
                }
                else i = slicedIdx[s++];
                offset = offset * _shape[d] + i;
            }
            offsets[flat] = offset;
        }
        return offsets;
    }
}

/// <summary>Reads a key written like Python's, e.g. ":, [[0, 1], [1, 0]], ..." into oracle items and Nabla indices.</summary>
internal static class KeyText
{
    public static NumpyIndexOracle.Item?[] Parse(string text)
    {
        var items = new List<NumpyIndexOracle.Item?>();
        int pos = 0;
        while (pos < text.Length)
        {
            Skip(text, ref pos);
            if (text[pos] == ':') { items.Add(null); pos++; }
            else if (text[pos] == '.') { items.Add(NumpyIndexOracle.Ellipsis); pos += 3; }
            else
            {
                var values = new List<long>();
                var shape = new List<int>();
                ParseList(text, ref pos, values, shape, 0);
                items.Add(new NumpyIndexOracle.Item([.. values], [.. shape]));
            }
            Skip(text, ref pos);
            if (pos < text.Length && text[pos] == ',') pos++;
        }
        return [.. items];
    }

    private static void ParseList(string s, ref int pos, List<long> values, List<int> shape, int depth)
    {
        pos++; // '['
        int count = 0;
        while (true)
        {
            Skip(s, ref pos);
            if (s[pos] == ']') { pos++; break; }
            if (s[pos] == '[') ParseList(s, ref pos, values, shape, depth + 1);
            else
            {
                int start = pos;
                while (s[pos] == '-' || char.IsDigit(s[pos])) pos++;
                values.Add(long.Parse(s[start..pos]));
            }
            count++;
            Skip(s, ref pos);
            if (s[pos] == ',') pos++;
        }
        while (shape.Count <= depth) shape.Add(0);
        shape[depth] = count;
    }

    private static void Skip(string s, ref int pos)
    {
        while (pos < s.Length && s[pos] == ' ') pos++;
    }

    /// <summary>The same key as Nabla indexer entries: ':' a full slice, '...' Ellipsis, arrays Int64 tensors.</summary>
    public static TensorIndex[] ToNabla(NumpyIndexOracle.Item?[] items) =>
        items.Select(i => i is null ? TensorIndex.Slice()
            : ReferenceEquals(i, NumpyIndexOracle.Ellipsis) ? TensorIndex.Ellipsis
            : (TensorIndex)Tensor.From(i.Values).Reshape(i.Shape)).ToArray();
}
