using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla;

/// <summary>
/// A seedable random source (torch.Generator) built on MT19937, the engine behind PyTorch's CPU generator,
/// with PyTorch's conversions from raw draws to uniform, normal and integer values.
/// Thread-safe: every draw takes the generator's lock, and the sampling ops hold it for a whole tensor (as
/// PyTorch holds its generator's mutex), so one tensor's values are consecutive draws even when several
/// threads share the generator.
/// </summary>
public sealed class Generator
{
    private const ulong DefaultSeed = 67280421310721UL;
    private readonly uint[] _state = new uint[624];
    private int _index;
    private double? _nextNormal; // Box–Muller gives two values; PyTorch keeps the second for the next draw

    /// <summary>Held while drawing; re-entrant, so a sampling op holds it across all draws of one tensor.</summary>
    internal readonly Lock Mutex = new();

    /// <summary>A generator seeded with <paramref name="seed"/> (torch.Generator().manual_seed(seed)).</summary>
    public Generator(ulong seed = DefaultSeed) => ManualSeed(seed);

    /// <summary>The generator used when none is passed (torch.default_generator).</summary>
    public static Generator Default { get; } = new();

    /// <summary>The seed last set (torch.Generator.initial_seed).</summary>
    public ulong InitialSeed { get; private set; }

    /// <summary>Reseeds this generator (torch.Generator.manual_seed) and returns it.</summary>
    public Generator ManualSeed(ulong seed)
    {
        lock (Mutex)
        {
            InitialSeed = seed;
            _state[0] = (uint)seed;
            for (int i = 1; i < 624; i++)
                _state[i] = (uint)(1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30)) + (uint)i);
            _index = 624;
            _nextNormal = null;
        }
        return this;
    }

    /// <summary>
    /// A snapshot of the whole state (torch.Generator.get_state): the seed, the MT19937 words and position, and the
    /// cached second normal value. Restoring it with <see cref="SetState"/> replays the same draws. The bytes are
    /// Nabla's own layout (little-endian), not PyTorch's.
    /// </summary>
    public byte[] GetState()
    {
        lock (Mutex)
        {
            var bytes = new byte[StateBytes];
            var writer = new BinaryWriter(new MemoryStream(bytes));
            writer.Write(InitialSeed);
            foreach (uint word in _state) writer.Write(word);
            writer.Write(_index);
            writer.Write(_nextNormal.HasValue);
            writer.Write(_nextNormal ?? 0.0);
            return bytes;
        }
    }

    /// <summary>Restores a state taken by <see cref="GetState"/> (torch.Generator.set_state).</summary>
    /// <exception cref="ArgumentException">The bytes are not such a state.</exception>
    public void SetState(byte[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length != StateBytes)
            throw new ArgumentException($"Generator.SetState: expected a state of {StateBytes} bytes, got {state.Length}", nameof(state));
        var reader = new BinaryReader(new MemoryStream(state));
        ulong seed = reader.ReadUInt64();
        var words = new uint[624];
        for (int i = 0; i < words.Length; i++) words[i] = reader.ReadUInt32();
        int index = reader.ReadInt32();
        bool cached = reader.ReadBoolean();
        double normal = reader.ReadDouble();
        if (index is < 0 or > 624) throw new ArgumentException($"Generator.SetState: position {index} is outside [0, 624]", nameof(state));
        lock (Mutex)
        {
            InitialSeed = seed;
            words.CopyTo(_state, 0);
            _index = index;
            _nextNormal = cached ? normal : null;
        }
    }

    private const int StateBytes = 8 + 624 * 4 + 4 + 1 + 8;

    /// <summary>One 32-bit draw.</summary>
    public uint Random()
    {
        lock (Mutex)
        {
            if (_index >= 624) Twist();
            return Temper(_state[_index++]);
        }
    }

    /// <summary>
    /// Fills <paramref name="words"/> with consecutive 32-bit draws, exactly the values that as many calls of
    /// <see cref="Random"/> return, under one lock and with the tempering vectorised (the sampling ops' bulk path).
    /// </summary>
    internal void Fill(Span<uint> words)
    {
        lock (Mutex)
        {
            while (!words.IsEmpty)
            {
                if (_index >= 624) Twist();
                int take = Math.Min(624 - _index, words.Length);
                Temper(_state.AsSpan(_index, take), words[..take]);
                _index += take;
                words = words[take..];
            }
        }
    }

    /// <summary>MT19937's tempering of state words into output words, eight at a time where vectors allow.</summary>
    private static void Temper(ReadOnlySpan<uint> state, Span<uint> output)
    {
        int i = 0, n = state.Length;
        ref uint from = ref MemoryMarshal.GetReference(state);
        ref uint to = ref MemoryMarshal.GetReference(output);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                var y = Vector256.LoadUnsafe(ref from, (nuint)i);
                y ^= y >>> 11;
                y ^= (y << 7) & Vector256.Create(0x9d2c5680u);
                y ^= (y << 15) & Vector256.Create(0xefc60000u);
                y ^= y >>> 18;
                y.StoreUnsafe(ref to, (nuint)i);
            }
        for (; i < n; i++) output[i] = Temper(state[i]);
    }

    private static uint Temper(uint y)
    {
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>One 64-bit draw made of two consecutive 32-bit draws.</summary>
    public ulong Random64()
    {
        lock (Mutex)
        {
            ulong hi = Random(), lo = Random();
            return (hi << 32) | lo;
        }
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (float32) or 53 (float64).</summary>
    internal double Uniform(bool doublePrecision) => doublePrecision
        ? (Random64() & ((1UL << 53) - 1)) * (1.0 / (1UL << 53))
        : (Random() & ((1u << 24) - 1)) * (1.0f / (1u << 24));

    /// <summary>One standard normal value, as PyTorch's scalar normal distribution draws it (double precision, cached pairs).</summary>
    internal double Normal()
    {
        lock (Mutex)
        {
            if (_nextNormal is { } cached)
            {
                _nextNormal = null;
                return cached;
            }
            double u1 = Uniform(true), u2 = Uniform(true);
            double radius = Math.Sqrt(-2.0 * Core.Log1pFdlibm.Log1p(-u2)), theta = 2 * Math.PI * u1;
            _nextNormal = radius * Math.Sin(theta);
            return radius * Math.Cos(theta);
        }
    }

    /// <summary>
    /// MT19937's regeneration of all 624 state words, in order: word i mixes words i and i + 1 with word i + 397
    /// (mod 624), the last ones reading words already regenerated. The three ranges where those neighbours do not
    /// wrap run as plain loops (no modulo), vectorised where a vector reads no word regenerated inside itself: the
    /// same arithmetic on the same words as one word at a time.
    /// </summary>
    private void Twist()
    {
        var mt = _state;
        int i = Mix(mt, 0, 624 - 397, 397);
        for (; i < 624 - 397; i++) mt[i] = Mix(mt[i], mt[i + 1], mt[i + 397]);
        i = Mix(mt, i, 623, 397 - 624);
        for (; i < 623; i++) mt[i] = Mix(mt[i], mt[i + 1], mt[i + 397 - 624]);
        mt[623] = Mix(mt[623], mt[0], mt[396]);
        _index = 0;
    }

    /// <summary>Regenerates whole vectors of words from <paramref name="first"/> while they end by <paramref name="end"/>; returns where it stopped.</summary>
    private static int Mix(uint[] mt, int first, int end, int farShift)
    {
        int i = first;
        ref uint start = ref MemoryMarshal.GetArrayDataReference(mt);
        if (Vector256.IsHardwareAccelerated)
            for (; i + Vector256<uint>.Count <= end; i += Vector256<uint>.Count)
            {
                var y = (Vector256.LoadUnsafe(ref start, (nuint)i) & Vector256.Create(0x80000000u))
                    | (Vector256.LoadUnsafe(ref start, (nuint)(i + 1)) & Vector256.Create(0x7fffffffu));
                var odd = Vector256<uint>.Zero - (y & Vector256<uint>.One);
                (Vector256.LoadUnsafe(ref start, (nuint)(i + farShift)) ^ (y >>> 1) ^ (odd & Vector256.Create(0x9908b0dfu)))
                    .StoreUnsafe(ref start, (nuint)i);
            }
        return i;
    }

    private static uint Mix(uint current, uint next, uint far)
    {
        uint y = (current & 0x80000000u) | (next & 0x7fffffffu);
        return far ^ (y >> 1) ^ ((0u - (y & 1)) & 0x9908b0dfu);
    }
}
