using System.Buffers.Binary;
using System.Text;

namespace Nabla.IO.Pickle;

/// <summary>A GLOBAL the restricted unpickler allows (never resolved to code: a name the reader acts on itself).</summary>
internal sealed record PyGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>
/// A pickle reader restricted to what state dicts hold: None, bools, ints (up to 64 bits), floats, strings, bytes, tuples
/// (object?[]), lists (List&lt;object?&gt;), dicts and OrderedDicts (Dictionary&lt;object, object?&gt;, insertion ordered), plus
/// what the caller's <c>reduce</c> and <c>persistentLoad</c> build from allowed globals. Every other GLOBAL is refused by
/// name before anything is built; nothing is ever executed. Every length and index is checked against the data.
/// </summary>
internal sealed class PickleReader(byte[] data, string source, Func<PyGlobal, string?> refuseGlobal,
    Func<PyGlobal, object?[], object?> reduce, Func<object?, object?> persistentLoad)
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, true);
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private int _pos;

    private TensorFileException Bad(string problem) => new(source, $"pickle: {problem}");

    private ReadOnlySpan<byte> Take(long n)
    {
        if (n < 0 || n > data.Length - _pos) throw Bad($"truncated: {n} bytes needed at byte {_pos} of {data.Length}");
        var s = data.AsSpan(_pos, (int)n);
        _pos += (int)n;
        return s;
    }

    private byte Byte() => Take(1)[0];

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _stack.Count <= _marks[^1])) throw Bad($"stack underflow at byte {_pos}");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Top() => _stack.Count > 0 ? _stack[^1] : throw Bad($"stack underflow at byte {_pos}");

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Bad($"no mark to pop at byte {_pos}");
        int m = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(m, _stack.Count - m);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private string Utf8(ReadOnlySpan<byte> bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { throw Bad($"invalid UTF-8 string before byte {_pos}"); }
    }

    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private string Line()
    {
        int end = Array.IndexOf(data, (byte)'\n', _pos);
        if (end < 0) throw Bad($"truncated: unterminated line at byte {_pos}");
        var s = Utf8(data.AsSpan(_pos, end - _pos));
        _pos = end + 1;
        return s;
    }

    private PyGlobal Global(string module, string name)
    {
        var g = new PyGlobal(module, name);
        if (refuseGlobal(g) is { } why) throw Bad(why);
        return g;
    }

    private void SetItems(List<object?> items)
    {
        if (items.Count % 2 != 0) throw Bad("SETITEMS with an odd number of items");
        if (Top() is not Dictionary<object, object?> dict) throw Bad("SETITEMS on something that is not a dict");
        for (int i = 0; i < items.Count; i += 2) dict[Key(items[i])] = items[i + 1];
    }

    private object Key(object? k) => k switch
    {
        null => throw Bad("None as a dict key is not supported"),
        string or long or double or bool => k,
        _ => throw Bad($"dict key of type {k.GetType().Name} is not supported"),
    };

    /// <summary>Runs the pickle to its STOP and returns the object it built.</summary>
    public object? Load()
    {
        while (true)
        {
            int at = _pos;
            byte op = Byte();
            switch (op)
            {
                case 0x80: if (Byte() > 5) throw Bad("unsupported pickle protocol"); break; // PROTO
                case 0x95: Take(8); break; // FRAME: framing only
                case (byte)'.': // STOP
                    var result = Pop();
                    if (_stack.Count != 0 || _marks.Count != 0) throw Bad("STOP with items left on the stack");
                    return result;
                case (byte)'(': _marks.Add(_stack.Count); break;
                case (byte)'N': _stack.Add(null); break;
                case 0x88: _stack.Add(true); break;
                case 0x89: _stack.Add(false); break;
                case (byte)'J': _stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                case (byte)'K': _stack.Add((long)Byte()); break;
                case (byte)'M': _stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                case 0x8a: // LONG1
                {
                    int n = Byte();
                    if (n > 8) throw Bad($"integer of {n} bytes is too large");
                    var b = Take(n);
                    long v = 0;
                    for (int i = n - 1; i >= 0; i--) v = (v << 8) | b[i];
                    if (n is > 0 and < 8 && (b[n - 1] & 0x80) != 0) v -= 1L << (8 * n);
                    _stack.Add(v);
                    break;
                }
                case (byte)'G': _stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;
                case (byte)'X': _stack.Add(Utf8(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))); break;
                case 0x8c: _stack.Add(Utf8(Take(Byte()))); break;
                case 0x8d: _stack.Add(Utf8(Take((long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(Take(8)), long.MaxValue)))); break;
                case (byte)'U': _stack.Add(Latin1(Take(Byte()))); break;
                case (byte)'T': _stack.Add(Latin1(Take(BinaryPrimitives.ReadInt32LittleEndian(Take(4))))); break;
                case (byte)'B': _stack.Add(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))).ToArray()); break;
                case (byte)'C': _stack.Add(Take(Byte()).ToArray()); break;
                case (byte)')': _stack.Add(Array.Empty<object?>()); break;
                case 0x85: _stack.Add(new[] { Pop() }); break;
                case 0x86: { var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b, c }); break; }
                case (byte)'t': _stack.Add(PopMark().ToArray()); break;
                case (byte)']': _stack.Add(new List<object?>()); break;
                case (byte)'l': _stack.Add(PopMark()); break;
                case (byte)'a': { var v = Pop(); if (Top() is not List<object?> l) throw Bad("APPEND to something that is not a list"); l.Add(v); break; }
                case (byte)'e': { var items = PopMark(); if (Top() is not List<object?> l) throw Bad("APPENDS to something that is not a list"); l.AddRange(items); break; }
                case (byte)'}': _stack.Add(new Dictionary<object, object?>()); break;
                case (byte)'d': { var items = PopMark(); _stack.Add(new Dictionary<object, object?>()); SetItems(items); break; }
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItems([k, v]); break; }
                case (byte)'u': SetItems(PopMark()); break;
                case (byte)'0': Pop(); break;
                case (byte)'1': PopMark(); break;
                case (byte)'2': _stack.Add(Top()); break;
                case (byte)'q': _memo[Byte()] = Top(); break;
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Top(); break;
                case 0x94: _memo[_memo.Count] = Top(); break;
                case (byte)'h': _stack.Add(Memo(Byte())); break;
                case (byte)'j': _stack.Add(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;
                case (byte)'c': { var module = Line(); var name = Line(); _stack.Add(Global(module, name)); break; }
                case 0x93: // STACK_GLOBAL
                {
                    if (Pop() is not string name || Pop() is not string module) throw Bad("STACK_GLOBAL needs two strings");
                    _stack.Add(Global(module, name));
                    break;
                }
                case (byte)'R': // REDUCE
                {
                    var args = Pop() as object?[] ?? throw Bad($"REDUCE arguments are not a tuple at byte {at}");
                    var fn = Pop() as PyGlobal ?? throw Bad($"REDUCE of something that is not an allowed global at byte {at}");
                    _stack.Add(reduce(fn, args));
                    break;
                }
                case (byte)'b': // BUILD: only an OrderedDict's attribute dict (its _metadata), which is not kept
                {
                    var state = Pop();
                    if (Top() is not Dictionary<object, object?> || state is not (Dictionary<object, object?> or null))
                        throw Bad($"BUILD on something other than a dict at byte {at}");
                    break;
                }
                case (byte)'Q': _stack.Add(persistentLoad(Pop())); break; // BINPERSID
                default: throw Bad($"unsupported pickle opcode 0x{op:x2} at byte {at}");
            }
        }
    }

    private object? Memo(long key) => _memo.TryGetValue(key, out var v) ? v : throw Bad($"memo key {key} was never stored");
}
