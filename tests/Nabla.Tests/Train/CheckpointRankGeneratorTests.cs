using Nabla.Optim;
using Nabla.Optim.LRScheduler;
using Nabla.Train;

namespace Nabla.Tests.Train;

/// <summary>A data-parallel run's mid-epoch checkpoint keeps one generator state per rank; each rank resumes its own.</summary>
[Collection(nameof(DefaultGeneratorAlone))]
public class CheckpointRankGeneratorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nabla-ckpt").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void EachRankResumesItsOwnGeneratorStateAndAnotherWorldSizeFallsBackToRankZeros()
    {
        var model = FashionCnn.Create();
        var optimizer = new SGD(model.Parameters(), lr: 0.1);
        var scheduler = new StepLR(optimizer, stepSize: 1);
        var options = new TrainOptions { DataDirectory = _root, OutputDirectory = _root };
        byte[][] states = [new Generator(1).GetState(), new Generator(2).GetState()];
        Generator.Default.SetState(states[0]); // rank 0 writes with its own state as the default
        string path = Path.Combine(_root, "checkpoint.safetensors");
        Checkpoint.Save(path, model, optimizer, scheduler, options, new TrainingProgress(), states);

        Checkpoint.Resume(path, model, optimizer, scheduler, rank: 1, worldSize: 2);
        Assert.Equal(states[1], Generator.Default.GetState());
        Checkpoint.Resume(path, model, optimizer, scheduler, rank: 0, worldSize: 2);
        Assert.Equal(states[0], Generator.Default.GetState());
        Generator.Default.SetState(states[1]);
        Checkpoint.Resume(path, model, optimizer, scheduler, rank: 2, worldSize: 3);
        Assert.Equal(states[0], Generator.Default.GetState());
    }
}
