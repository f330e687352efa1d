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
            uint y = _state[_index++];
            y ^= y >> 11;
            y ^= (y << 7) & 0x9d2c5680u;
            y ^= (y << 15) & 0xefc60000u;
            y ^= y >> 18;
            return y;
        }
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

    private void Twist()
    {
        for (int i = 0; i < 624; i++)
        {
            uint y = (_state[i] & 0x80000000u) | (_state[(i + 1) % 624] & 0x7fffffffu);
            uint v = _state[(i + 397) % 624] ^ (y >> 1);
            if ((y & 1) != 0) v ^= 0x9908b0dfu;
            _state[i] = v;
        }
        _index = 0;
    }
}
