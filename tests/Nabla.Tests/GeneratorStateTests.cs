namespace Nabla.Tests;

public class GeneratorStateTests
{
    [Fact]
    public void ARestoredStateReplaysTheSameDraws()
    {
        var g = new Generator(42);
        Tensor.Randn([5], generator: g); // leaves a cached Box–Muller value behind
        var state = g.GetState();
        var first = Tensor.Randn([7], generator: g).ToArray<float>();
        var firstUniform = Tensor.Rand([100], generator: g).ToArray<float>();
        var other = new Generator(1);
        other.SetState(state);
        Assert.Equal(first, Tensor.Randn([7], generator: other).ToArray<float>());
        Assert.Equal(firstUniform, Tensor.Rand([100], generator: other).ToArray<float>());
        Assert.Equal(42UL, other.InitialSeed);
    }

    [Fact]
    public void RefusesBytesThatAreNotAState()
    {
        Assert.Contains("expected a state of", Assert.Throws<ArgumentException>(() => new Generator().SetState(new byte[10])).Message);
        var state = new Generator().GetState();
        state[8 + 624 * 4] = 0xFF; // position far outside the state words
        Assert.Contains("outside [0, 624]", Assert.Throws<ArgumentException>(() => new Generator().SetState(state)).Message);
    }
}
