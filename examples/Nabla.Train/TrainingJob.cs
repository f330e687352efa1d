using System.Diagnostics;
using Nabla.Data;
using Nabla.Distributed;
using Nabla.NN;
using Nabla.Optim;
using Nabla.Optim.LRScheduler;

namespace Nabla.Train;

/// <summary>
/// One run: trains (or resumes, or only evaluates) the CNN, reporting as it goes, checkpointing after every epoch
/// and when stopped, and leaving the curves, the mistakes and a per-class report at the end. With a process
/// <paramref name="group"/> of several ranks (under mpirun) it trains data-parallel: the model wrapped in
/// DistributedDataParallel, each rank on its DistributedSampler share with --batch-size images per batch (PyTorch's
/// convention: the global batch is batch size x ranks), metrics summed over the ranks, and rank 0 alone reporting,
/// evaluating on the full test set and writing checkpoints and plots.
/// </summary>
public sealed class TrainingJob(TrainOptions options, IReporter reporter, Func<bool> stopRequested, ProcessGroup? group = null)
{
    private int Rank => group?.Rank ?? 0;
    private int WorldSize => group?.WorldSize ?? 1;
    private bool Distributed => WorldSize > 1;
    private bool Writes => Rank == 0;

    private const int TestBatch = 500;

    /// <summary>The checkpoint a run writes in its output folder.</summary>
    public string CheckpointPath => Path.Combine(options.OutputDirectory, "checkpoint.safetensors");

    /// <summary>Runs the job; returns the process exit code (0 done, 130 stopped by the user with a checkpoint written).</summary>
    public int Run()
    {
        Parallelism.NumThreads = options.Threads;
        var run = options.Resume is { } resume ? Checkpoint.ReadOptions(resume) with
        {
            DataDirectory = options.DataDirectory, OutputDirectory = options.OutputDirectory, Threads = options.Threads,
            Progress = options.Progress, Resume = resume,
        } : options;
        var test = FashionMnist.Load(run.DataDirectory, train: false);
        if (run.Evaluate is { } evaluate)
        {
            if (!Writes) return 0; // evaluation is rank 0's alone
            var model = FashionCnn.Create();
            Checkpoint.LoadWeights(evaluate, model);
            var result = Evaluate(model, test);
            reporter.Final(result, [], run.OutputDirectory);
            return 0;
        }
        var train = FashionMnist.Load(run.DataDirectory, train: true, run.Limit);
        return Train(run, train, test);
    }

    private int Train(TrainOptions run, TensorDataset train, TensorDataset test)
    {
        Tensor.ManualSeed(run.Seed);
        var model = FashionCnn.Create();
        int perRank = Distributed ? new DistributedSampler(train.Count, WorldSize, Rank).Count : train.Count;
        int steps = (perRank + run.BatchSize - 1) / run.BatchSize;
        var (optimizer, scheduler) = Optimize(run, model, steps);
        var progress = run.Resume is { } path ? Checkpoint.Resume(path, model, optimizer, scheduler, Rank, WorldSize) : new TrainingProgress();
        // After a resume every rank holds the checkpoint's weights; DDP's broadcast makes sure they are rank 0's.
        Module<Tensor, Tensor> net = Distributed ? new DistributedDataParallel<Tensor, Tensor>(model, group) : model;
        reporter.Start(run, train.Count, test.Count, model, progress.Epoch);

        Evaluation? last = null;
        for (int epoch = progress.Epoch; epoch < run.Epochs; epoch++)
        {
            bool resumingMidEpoch = progress.Batch > 0;
            // Dropout's draws, per epoch (and per rank: each rank's images get their own masks).
            if (!resumingMidEpoch) Tensor.ManualSeed(run.Seed + 1 + (ulong)epoch + (ulong)Rank * 1_000_003);
            // Each epoch's order comes from its own seed, so a resumed run visits the same batches.
            var loader = Loader(run, train, epoch);
            var clock = Stopwatch.StartNew();
            // A resumed epoch's sums so far are over all ranks (reduced when it stopped): rank 0 carries them.
            var sums = Writes ? (Loss: progress.LossSum, Correct: progress.Correct, Seen: progress.Seen) : (Loss: 0.0, Correct: 0L, Seen: 0L);
            int skip = progress.Batch, batch = 0;
            model.Train();
            bool stopped = reporter.Epoch(epoch + 1, run.Epochs, loader.Count, skip, bar =>
            {
                foreach (var xy in loader)
                {
                    if (batch++ < skip) continue; // trained before the checkpoint this run resumed from
                    var (x, y) = (xy[0], xy[1]);
                    var logits = net.Call(x);
                    var loss = F.CrossEntropy(logits, y);
                    optimizer.ZeroGrad();
                    loss.Backward();
                    optimizer.Step();
                    scheduler.Step();
                    using (GradMode.NoGrad())
                    {
                        sums.Loss += loss.Item<float>() * y.Size(0);
                        sums.Correct += logits.Argmax(1).Eq(y).Sum().Item<long>();
                    }
                    sums.Seen += y.Size(0);
                    // Rank 0's running loss and accuracy; images counted over all ranks (they run in step).
                    bar.Advance(sums.Loss / sums.Seen, sums.Correct / (double)sums.Seen, (sums.Seen - progress.Seen) * WorldSize, clock.Elapsed.TotalSeconds);
                    if (AnyRank(stopRequested())) return true;
                }
                return false;
            });
            if (stopped)
            {
                sums = SumOverRanks(sums);
                var generators = GeneratorStates();
                if (!Writes) return 130;
                Checkpoint.Save(CheckpointPath, model, optimizer, scheduler, run,
                    progress with { Epoch = epoch, Batch = batch, LossSum = sums.Loss, Correct = sums.Correct, Seen = sums.Seen },
                    Distributed ? generators : null);
                reporter.Stopped(CheckpointPath, epoch + 1, batch);
                return 130;
            }
            double seconds = clock.Elapsed.TotalSeconds;
            sums = SumOverRanks(sums);
            long seenThisRun = sums.Seen - progress.Seen;
            if (!Writes) { progress = new TrainingProgress { Epoch = epoch + 1 }; continue; }
            last = Evaluate(model, test);
            var record = new EpochRecord(epoch + 1, sums.Loss / sums.Seen, sums.Correct / (double)sums.Seen, last.Loss, last.Accuracy, seconds,
                seenThisRun / Math.Max(seconds, 1e-9));
            progress = new TrainingProgress { Epoch = epoch + 1, History = [.. progress.History, record] };
            Checkpoint.Save(CheckpointPath, model, optimizer, scheduler, run, progress);
            Charts.LearningCurves(Path.Combine(run.OutputDirectory, "curves.png"), progress.History);
            reporter.EpochDone(record);
        }
        if (!Writes) return 0;
        last ??= Evaluate(model, test);
        reporter.Final(last, progress.History, run.OutputDirectory);
        Charts.Misclassified(Path.Combine(run.OutputDirectory, "misclassified.png"), last.Mistakes);
        return 0;
    }

    /// <summary>This rank's batches of epoch <paramref name="epoch"/>: the whole set in one process, its DistributedSampler share under mpirun.</summary>
    private DataLoader Loader(TrainOptions run, TensorDataset train, int epoch)
    {
        ulong seed = run.Seed * 7919;
        if (!Distributed) return new DataLoader(train, run.BatchSize, shuffle: true, generator: new Generator(seed + (ulong)epoch));
        // randperm from seed + epoch, as the one-process loader draws it; each rank takes every WorldSize-th index.
        var sampler = new DistributedSampler(train.Count, WorldSize, Rank, shuffle: true, seed: unchecked((long)seed));
        sampler.SetEpoch(epoch);
        return new DataLoader(train, run.BatchSize, sampler: sampler);
    }

    /// <summary>True on every rank when any rank was asked to stop, so that all stop after the same batch.</summary>
    private bool AnyRank(bool stop)
    {
        if (!Distributed) return stop;
        var flag = Tensor.From(new[] { stop ? 1 : 0 });
        group!.AllReduce(flag, ReduceOp.Max);
        return flag.Item<int>() != 0;
    }

    /// <summary>Every rank's default-generator state (dropout's draws), gathered so that a mid-epoch checkpoint resumes each.</summary>
    private byte[][] GeneratorStates()
    {
        var mine = Generator.Default.GetState();
        if (!Distributed) return [mine];
        var outputs = Enumerable.Range(0, WorldSize).Select(_ => Tensor.Zeros([mine.Length], DType.UInt8)).ToArray();
        group!.AllGather(outputs, Tensor.From(mine));
        return [.. outputs.Select(o => o.ToArray<byte>())];
    }

    /// <summary>The epoch's loss sum, correct count and images over all ranks.</summary>
    private (double Loss, long Correct, long Seen) SumOverRanks((double Loss, long Correct, long Seen) local)
    {
        if (!Distributed) return local;
        var t = Tensor.From(new[] { local.Loss, local.Correct, local.Seen });
        group!.AllReduce(t, ReduceOp.Sum);
        var v = t.ToArray<double>();
        return (v[0], (long)v[1], (long)v[2]);
    }

    private static (Optimizer, LRSchedulerBase) Optimize(TrainOptions run, Module model, int stepsPerEpoch)
    {
        if (run.Optimizer == OptimizerChoice.Sgd)
        {
            var sgd = new SGD(model.Parameters(), lr: run.LearningRate, momentum: 0.9, weightDecay: 5e-4, nesterov: true);
            return (sgd, new CosineAnnealingLR(sgd, tMax: run.Epochs * stepsPerEpoch));
        }
        var adamW = new AdamW(model.Parameters(), lr: run.LearningRate, weightDecay: 0.01);
        return (adamW, new OneCycleLR(adamW, maxLr: run.LearningRate, epochs: run.Epochs, stepsPerEpoch: stepsPerEpoch));
    }

    /// <summary>The test set's mean loss, accuracy, confusion matrix and the first mistakes, in eval mode without autograd.</summary>
    public static Evaluation Evaluate(Module<Tensor, Tensor> model, TensorDataset test, int keepMistakes = 32)
    {
        model.Eval();
        using var _ = GradMode.NoGrad();
        var confusion = new ConfusionMatrix(FashionMnist.Classes.Length);
        var mistakes = new List<(byte[] Pixels, int Truth, int Predicted)>();
        double lossSum = 0;
        foreach (var xy in new DataLoader(test, TestBatch, prefetch: false))
        {
            var (x, y) = (xy[0], xy[1]);
            var logits = model.Call(x);
            lossSum += F.CrossEntropy(logits, y, reduction: Reduction.Sum).Item<double>();
            var predicted = logits.Argmax(1);
            confusion.Add(y, predicted);
            var truth = y.ToArray<long>();
            var guess = predicted.ToArray<long>();
            for (int i = 0; i < truth.Length && mistakes.Count < keepMistakes; i++)
                if (truth[i] != guess[i]) mistakes.Add((FashionMnist.Pixels(x[i, 0]).ToArray<byte>(), (int)truth[i], (int)guess[i]));
        }
        model.Train();
        return new Evaluation(lossSum / test.Count, confusion.Accuracy, confusion, mistakes);
    }
}

/// <summary>What an evaluation found.</summary>
public sealed record Evaluation(double Loss, double Accuracy, ConfusionMatrix Confusion, IReadOnlyList<(byte[] Pixels, int Truth, int Predicted)> Mistakes);
