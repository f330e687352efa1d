using System.Buffers.Binary;
using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;

namespace Nabla.IO.Pickle;

/// <summary>An OrderedDict for the writer: pickled as collections.OrderedDict, as torch.save writes a state dict.</summary>
internal sealed class OrderedDictMarker(IEnumerable<KeyValuePair<string, object?>> items)
{
    public IEnumerable<KeyValuePair<string, object?>> Items { get; } = items;
}

/// <summary>
/// A protocol-2 pickle writer for the values state dicts hold: None, bool, integers, double, string, tuples (object?[] or
/// ValueTuple), lists, dicts, <see cref="OrderedDictMarker"/>, and tensors through <c>writeTensor</c>. No memo is
/// written (Python's unpickler does not need one).
/// </summary>
internal sealed class PickleWriter(Action<PickleWriter, Tensor> writeTensor)
{
    private readonly MemoryStream _out = new();

    public byte[] Finish(object? root)
    {
        _out.Write([0x80, 2]);
        Write(root);
        _out.WriteByte((byte)'.');
        return _out.ToArray();
    }

    public void Op(byte op) => _out.WriteByte(op);

    public void Global(string module, string name)
    {
        Op((byte)'c');
        _out.Write(Encoding.UTF8.GetBytes($"{module}\n{name}\n"));
    }

    public void Mark() => Op((byte)'(');

    public void Write(object? v)
    {
        switch (v)
        {
            case null: Op((byte)'N'); break;
            case bool b: Op(b ? (byte)0x88 : (byte)0x89); break;
            case int i: Int(i); break;
            case long l: Int(l); break;
            case double d: Op((byte)'G'); Span<byte> f = stackalloc byte[8]; BinaryPrimitives.WriteDoubleBigEndian(f, d); _out.Write(f); break;
            case float x: Write((double)x); break;
            case string s:
                var bytes = Encoding.UTF8.GetBytes(s);
                Op((byte)'X'); Span<byte> n = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(n, (uint)bytes.Length); _out.Write(n); _out.Write(bytes);
                break;
            case Tensor t: writeTensor(this, t); break;
            case OrderedDictMarker od:
                Global("collections", "OrderedDict"); Op((byte)')'); Op((byte)'R');
                Mark();
                foreach (var (k, val) in od.Items) { Write(k); Write(val); }
                Op((byte)'u');
                break;
            case object?[] tuple: Tuple(tuple); break;
            case ITuple tuple: Tuple(Enumerable.Range(0, tuple.Length).Select(i => tuple[i]).ToArray()); break;
            case IDictionary dict:
                Op((byte)'}');
                Mark();
                foreach (DictionaryEntry e in dict) { Write(e.Key); Write(e.Value); }
                Op((byte)'u');
                break;
            case IList list:
                Op((byte)']');
                Mark();
                foreach (var x in list) Write(x);
                Op((byte)'e');
                break;
            default: throw new ArgumentException($"torch.save: cannot pickle a value of type {v.GetType().Name}");
        }
    }

    public void Tuple(object?[] items)
    {
        if (items.Length == 0) { Op((byte)')'); return; }
        Mark();
        foreach (var x in items) Write(x);
        Op((byte)'t');
    }

    private void Int(long v)
    {
        Span<byte> b = stackalloc byte[8];
        if (v is >= 0 and < 256) { Op((byte)'K'); _out.WriteByte((byte)v); }
        else if (v is >= 0 and < 65536) { Op((byte)'M'); BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); _out.Write(b[..2]); }
        else if (v is >= int.MinValue and <= int.MaxValue) { Op((byte)'J'); BinaryPrimitives.WriteInt32LittleEndian(b, (int)v); _out.Write(b[..4]); }
        else { Op(0x8a); _out.WriteByte(8); BinaryPrimitives.WriteInt64LittleEndian(b, v); _out.Write(b); }
    }
}
