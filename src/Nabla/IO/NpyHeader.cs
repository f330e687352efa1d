namespace Nabla.IO;

/// <summary>
/// The header of a .npy file: a Python dict literal with 'descr' (a type string), 'fortran_order' (True/False) and 'shape'
/// (a tuple of ints). Parsed by hand, accepting only that form (strings in either quote, a trailing comma, Python 2's
/// 'L' suffix on ints); structured dtypes and anything else are refused.
/// </summary>
internal static class NpyHeader
{
    public static (string Descr, bool Fortran, long[] Shape) Parse(string text, Func<string, TensorFileException> bad)
    {
        int pos = 0;
        void Ws() { while (pos < text.Length && char.IsWhiteSpace(text[pos])) pos++; }
        bool Eat(char c) { Ws(); if (pos < text.Length && text[pos] == c) { pos++; return true; } return false; }
        void Expect(char c) { if (!Eat(c)) throw bad($"header: expected '{c}' at character {pos}"); }
        string Str()
        {
            Ws();
            if (pos >= text.Length || (text[pos] != '\'' && text[pos] != '"')) throw bad($"header: expected a string at character {pos}");
            char q = text[pos++];
            int end = text.IndexOf(q, pos);
            if (end < 0) throw bad("header: unterminated string");
            var s = text[pos..end];
            pos = end + 1;
            return s;
        }
        long Int()
        {
            Ws();
            int start = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos])) pos++;
            if (pos == start || pos - start > 18) throw bad($"header: expected a non-negative integer at character {start}");
            long v = long.Parse(text.AsSpan(start, pos - start), System.Globalization.CultureInfo.InvariantCulture);
            if (pos < text.Length && text[pos] == 'L') pos++;
            return v;
        }
        string? descr = null; bool? fortran = null; long[]? shape = null;
        Expect('{');
        while (!Eat('}'))
        {
            var key = Str();
            Expect(':');
            switch (key)
            {
                case "descr":
                    Ws();
                    if (pos < text.Length && text[pos] == '[') throw bad("structured dtypes are not supported by Nabla");
                    descr = Str();
                    break;
                case "fortran_order":
                    Ws();
                    if (text.AsSpan(pos).StartsWith("True")) { fortran = true; pos += 4; }
                    else if (text.AsSpan(pos).StartsWith("False")) { fortran = false; pos += 5; }
                    else throw bad("header: fortran_order is not True or False");
                    break;
                case "shape":
                    Expect('(');
                    var dims = new List<long>();
                    while (!Eat(')'))
                    {
                        if (dims.Count >= 64) throw bad("header: too many dimensions");
                        dims.Add(Int());
                        if (!Eat(',')) { Expect(')'); break; }
                    }
                    shape = dims.ToArray();
                    break;
                default: throw bad($"header: unexpected key '{key}'");
            }
            if (!Eat(',')) { Expect('}'); break; }
        }
        if (descr is null || fortran is null || shape is null) throw bad("header lacks descr, fortran_order or shape");
        return (descr, fortran.Value, shape);
    }
}
