using Nabla.Distributed.Worker;
using Nabla.NN;

namespace Nabla.Distributed.Tests;

/// <summary>
/// DistributedDataParallel's bucketing, overlap, NoSync and errors, with the ranks as threads of this process
/// (<see cref="ThreadProcessGroup"/>): fast, and independent of MPI.
/// </summary>
public class DdpInProcessTests
{
    private static Sequential ThreeLayers() =>
        new(new Linear(256, 256), new ReLU(), new Linear(256, 256), new ReLU(), new Linear(256, 4));

    [Fact]
    public void BucketsFollowReverseParameterOrderWithASmallFirstBucket()
    {
        ThreadProcessGroup.RunRanks(1, group =>
        {
            // Reversed: bias2 (16 B), weight2 (4 KiB), bias1 (1 KiB), weight1 (256 KiB) reach the 0.25 MiB cap together;
            // then bias0 and weight0 fill the second bucket.
            var ddp = new DistributedDataParallel<Tensor, Tensor>(ThreeLayers(), group, bucketCapMb: 0.25);
            Assert.Equal(2, ddp.BucketCount);
            Assert.Equal(1, new DistributedDataParallel<Tensor, Tensor>(ThreeLayers(), group).BucketCount); // 25 MiB: the 0.5 MiB of parameters stay under the 1 MiB first cap
            Assert.Equal(6, new DistributedDataParallel<Tensor, Tensor>(ThreeLayers(), group, bucketCapMb: 1e-6).BucketCount);
        });
    }

    [Fact]
    public void AllReducesStartWhileBackwardIsStillRunning()
    {
        ThreadProcessGroup.RunRanks(2, group =>
        {
            var model = ThreeLayers();
            var ddp = new DistributedDataParallel<Tensor, Tensor>(model, group, bucketCapMb: 0.25);
            var firstWeight = model.Parameters().First();
            int startedBeforeFirstLayer = -1;
            // A tensor hook on the first layer's weight runs when backward reaches it, before it accumulates: the
            // bucket of the later layers must already be on the wire then.
            firstWeight.RegisterHook(g => { startedBeforeFirstLayer = ddp.LaunchedAllReduces; return null; });
            ddp.Call(Tensor.Randn(3, 256)).Sum().Backward();
            Assert.Equal(1, startedBeforeFirstLayer);
            Assert.Equal(2, ddp.LaunchedAllReduces);
        });
    }

    [Theory]
    [InlineData(2, false, 25)]
    [InlineData(2, true, 25)]
    [InlineData(3, false, 0.001)]
    [InlineData(3, true, 0.001)]
    public void DdpOnShardsGivesTheSingleProcessParameters(int ranks, bool accumulate, double bucketCapMb)
    {
        var reference = DdpTraining.TrainReference(steps: 4);
        ThreadProcessGroup.RunRanks(ranks, group =>
        {
            var ddp = DdpTraining.TrainDdp(group, steps: 4, accumulate, bucketCapMb);
            Assert.InRange(DdpTraining.MaxDifference(ddp, reference), 0, 2e-6);
        });
    }

    [Fact]
    public void NoSyncCommunicatesNothingAndTheNextSynchronisedBackwardReducesTheSum()
    {
        ThreadProcessGroup.RunRanks(2, group =>
        {
            Generator.Default.ManualSeed(1);
            var model = new Linear(2, 1, bias: false);
            var ddp = new DistributedDataParallel<Tensor, Tensor>(model, group);
            var x = Tensor.Full([1, 2], group.Rank + 1.0); // rank 0 sees ones, rank 1 twos
            using (ddp.NoSync())
            {
                ddp.Call(x).Sum().Backward();
                ddp.Call(x).Sum().Backward();
            }
            Assert.Equal(0, group.AllReduceCalls);
            Assert.Equal([2f * (group.Rank + 1), 2f * (group.Rank + 1)], model.Parameters().First().Grad!.ToArray<float>());
            ddp.Call(x).Sum().Backward();
            Assert.Equal(1, group.AllReduceCalls);
            // local sums 3 and 6, averaged over the two ranks
            Assert.Equal([4.5f, 4.5f], model.Parameters().First().Grad!.ToArray<float>());
        });
    }

    [Fact]
    public void WrapperIsTheModelWithPyTorchsModulePrefix()
    {
        ThreadProcessGroup.RunRanks(1, group =>
        {
            var ddp = new DistributedDataParallel<Tensor, Tensor>(new Sequential(new Linear(2, 3)), group);
            Assert.Equal(["module.0.weight", "module.0.bias"], ddp.StateDict().Keys);
            Assert.Equal(["module.0.weight", "module.0.bias"], ddp.NamedParameters().Select(p => p.Name));
            Assert.StartsWith("DistributedDataParallel(\n  (module): Sequential(", ddp.ToString());
            Assert.Equal([4, 3], ddp.Call(Tensor.Ones(4, 2)).Shape);
            Assert.Throws<ArgumentException>(() => new DistributedDataParallel<Tensor, Tensor>(new Linear(2, 2), group, bucketCapMb: 0));
        });
    }

    [Fact]
    public void AParameterWithoutGradientFailsTheNextForwardNamingIt()
    {
        ThreadProcessGroup.RunRanks(2, group =>
        {
            var ddp = new DistributedDataParallel<Tensor, Tensor>(new DdpTraining.HalfUsed(), group);
            ddp.Call(Tensor.Randn(2, 3)).Sum().Backward();
            var e = Assert.Throws<ArgumentException>(() => ddp.Call(Tensor.Randn(2, 3)));
            Assert.StartsWith("Expected to have finished reduction in the prior iteration before starting a new one.", e.Message);
            Assert.EndsWith($"did not receive grad for rank {group.Rank}: module.unused.weight, module.unused.bias", e.Message);
            // No grad, as in evaluation: no reducer state is touched, so forward in no_grad still works
            using (GradMode.NoGrad()) Assert.Equal([2, 3], ddp.Call(Tensor.Randn(2, 3)).Shape);
        });
    }
}
