using Nabla.IO;
using Nabla.NN;
using Nabla.Train;

namespace Nabla.Tests.Train;

/// <summary>
/// Short runs of the training job on a few hundred images of the bundled subset. The job seeds and draws from the
/// default generator, as PyTorch scripts do, so these runs must not share it with tests running in parallel.
/// </summary>
[Collection(nameof(DefaultGeneratorAlone))]
public class TrainingJobTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nabla-train").FullName;

    public TrainingJobTests()
    {
        // A small copy of the data: 192 training and 100 test images.
        string data = Path.Combine(_root, "data");
        Directory.CreateDirectory(data);
        foreach (var (name, count) in new[] { ("train-images-idx3-ubyte", 192), ("train-labels-idx1-ubyte", 192), ("t10k-images-idx3-ubyte", 100), ("t10k-labels-idx1-ubyte", 100) })
            IdxFile.Write(Path.Combine(data, name), IdxFile.Read(Path.Combine(Cli.BundledData, name + ".gz"))[..count]);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private TrainOptions Options(string run, int epochs = 2, int threads = 2) => new()
    {
        Epochs = epochs, BatchSize = 32, LearningRate = 3e-3, Seed = 5, Threads = threads, Progress = false,
        DataDirectory = Path.Combine(_root, "data"), OutputDirectory = Path.Combine(_root, run),
    };

    private static (int Code, RecordingReporter Reporter) Run(TrainOptions options, Func<bool>? stop = null)
    {
        var reporter = new RecordingReporter();
        int saved = Parallelism.NumThreads;
        try { return (new TrainingJob(options, reporter, stop ?? (() => false)).Run(), reporter); }
        finally { Parallelism.NumThreads = saved; }
    }

    private static Dictionary<string, Tensor> Weights(TrainOptions options) =>
        SafeTensors.Load(Path.Combine(options.OutputDirectory, "checkpoint.safetensors"));

    [Fact]
    public void TheLossFallsAndTheRunLeavesItsFiles()
    {
        var options = Options("plain", epochs: 3);
        var (code, reporter) = Run(options);
        Assert.Equal(0, code);
        Assert.Equal(3, reporter.Epochs.Count);
        Assert.True(reporter.Epochs[^1].TrainLoss < reporter.Epochs[0].TrainLoss - 0.3,
            $"training loss went {string.Join(" -> ", reporter.Epochs.Select(e => e.TrainLoss))}");
        foreach (var file in new[] { "checkpoint.safetensors", "checkpoint.optim.safetensors", "curves.png", "misclassified.png" })
            Assert.True(File.Exists(Path.Combine(options.OutputDirectory, file)), file);
        Assert.Empty(Directory.GetFiles(options.OutputDirectory, "*.tmp"));

        // --eval loads the checkpoint and finds the same test accuracy as the run's last epoch.
        var (evalCode, evaluation) = Run(options with { Evaluate = Path.Combine(options.OutputDirectory, "checkpoint.safetensors") });
        Assert.Equal(0, evalCode);
        Assert.Equal(reporter.Epochs[^1].TestAccuracy, evaluation.Result!.Accuracy);
    }

    [Fact]
    public void AStoppedRunResumesToExactlyTheUninterruptedOne()
    {
        var whole = Options("whole");
        var (_, reference) = Run(whole);

        var interrupted = Options("interrupted");
        int batches = 0;
        var (code, stopped) = Run(interrupted, () => ++batches == 8); // epoch 2, batch 2 of 6
        Assert.Equal(130, code);
        Assert.Equal((2, 2), stopped.StoppedAt);

        var (resumedCode, resumed) = Run(interrupted with { Resume = Path.Combine(interrupted.OutputDirectory, "checkpoint.safetensors") });
        Assert.Equal(0, resumedCode);
        Assert.Equal(reference.Epochs[^1].TrainLoss, resumed.Epochs[^1].TrainLoss);
        Assert.Equal(reference.Epochs[^1].TestLoss, resumed.Epochs[^1].TestLoss);
        var expected = Weights(whole);
        var actual = Weights(interrupted);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
            Assert.True(tensor.ToArray<double>().SequenceEqual(actual[name].ToArray<double>()), $"{name} differs after resuming");
    }

    [Fact]
    public void TheCurveIsTheSameForTheSameSeedWhateverTheThreadCount()
    {
        var (_, one) = Run(Options("one", epochs: 1, threads: 1));
        var (_, two) = Run(Options("two", epochs: 1, threads: 2));
        Assert.Equal(one.Epochs.Select(e => (e.TrainLoss, e.TestLoss)), two.Epochs.Select(e => (e.TrainLoss, e.TestLoss)));
    }

    private sealed class RecordingReporter : IReporter
    {
        public List<EpochRecord> Epochs { get; } = [];
        public (int Epoch, int Batch)? StoppedAt { get; private set; }
        public Evaluation? Result { get; private set; }

        public void Start(TrainOptions run, int trainImages, int testImages, Module model, int startEpoch) { }
        public bool Epoch(int epoch, int epochs, int batches, int alreadyDone, Func<IEpochProgress, bool> body) => body(new NoBar());
        public void EpochDone(EpochRecord record) => Epochs.Add(record);
        public void Stopped(string checkpoint, int epoch, int batch) => StoppedAt = (epoch, batch);
        public void Final(Evaluation result, IReadOnlyList<EpochRecord> history, string outputDirectory) => Result = result;

        private sealed class NoBar : IEpochProgress
        {
            public void Advance(double loss, double accuracy, long images, double seconds) { }
        }
    }
}

/// <summary>Tests that need the default generator or the process-wide thread count to themselves: run after the parallel tests, one at a time.</summary>
[CollectionDefinition(nameof(DefaultGeneratorAlone), DisableParallelization = true)]
public sealed class DefaultGeneratorAlone;
