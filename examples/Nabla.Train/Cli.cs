using System.CommandLine;

namespace Nabla.Train;

/// <summary>The command line: options with their defaults and checks, parsed by System.CommandLine.</summary>
public static class Cli
{
    /// <summary>The data shipped next to the program: a 4,000-image subset of Fashion-MNIST.</summary>
    public static string BundledData => Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-subset");

    /// <summary>Builds the root command; <paramref name="run"/> receives the parsed options and returns the exit code.</summary>
    public static RootCommand Build(Func<TrainOptions, CancellationToken, Task<int>> run)
    {
        var epochs = Positive(new Option<int>("--epochs", "-e") { Description = "Epochs to train", DefaultValueFactory = _ => 3 });
        var batch = Positive(new Option<int>("--batch-size", "-b") { Description = "Images per batch, per process: under mpirun -np N the global batch is N times this (as with PyTorch DDP)", DefaultValueFactory = _ => 64 });
        var lr = new Option<double>("--lr") { Description = "Peak learning rate", DefaultValueFactory = _ => 2e-3 };
        Check(lr, v => v is > 0 and < 10, "--lr must be in (0, 10)");
        var optimizer = new Option<OptimizerChoice>("--optimizer") { Description = "adamw (one-cycle) or sgd (Nesterov, cosine)", DefaultValueFactory = _ => OptimizerChoice.AdamW };
        var seed = new Option<ulong>("--seed") { Description = "Seed of every random draw: same seed, same curve", DefaultValueFactory = _ => 0 };
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder with the four Fashion-MNIST IDX files (gzipped or not); default: the bundled subset" };
        data.AcceptExistingOnly();
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Folder for checkpoints, plots and the log", DefaultValueFactory = _ => new DirectoryInfo("runs/fashion-mnist") };
        var resume = new Option<FileInfo>("--resume") { Description = "Continue exactly from a checkpoint (.safetensors)" };
        resume.AcceptExistingOnly();
        var evaluate = new Option<FileInfo>("--eval") { Description = "Only evaluate a checkpoint on the test set" };
        evaluate.AcceptExistingOnly();
        var threads = Positive(new Option<int>("--threads") { Description = "Worker threads for the kernels, per process; default: the cores divided by the processes mpirun starts on this machine", DefaultValueFactory = _ => DefaultThreads });
        var limit = new Option<int>("--limit") { Description = "Train on at most this many images (0: all)", DefaultValueFactory = _ => 0 };
        Check(limit, v => v >= 0, "--limit must not be negative");
        var noProgress = new Option<bool>("--no-progress") { Description = "Plain log lines only, no live progress bar" };

        var root = new RootCommand("Trains a CNN on Fashion-MNIST with Nabla: PyTorch's semantics in pure C#. Under mpirun -np N it trains " +
            "data-parallel (DistributedDataParallel over MPI): each process takes its share of every epoch, rank 0 reports and writes the files.")
        {
            epochs, batch, lr, optimizer, seed, data, output, resume, evaluate, threads, limit, noProgress,
        };
        root.Validators.Add(r =>
        {
            if (r.GetResult(resume) is not null && r.GetResult(evaluate) is not null) r.AddError("--resume and --eval exclude each other");
        });
        root.SetAction((result, cancel) => run(new TrainOptions
        {
            Epochs = result.GetValue(epochs),
            BatchSize = result.GetValue(batch),
            LearningRate = result.GetValue(lr),
            Optimizer = result.GetValue(optimizer),
            Seed = result.GetValue(seed),
            DataDirectory = result.GetValue(data)?.FullName ?? BundledData,
            OutputDirectory = result.GetValue(output)!.FullName,
            Resume = result.GetValue(resume)?.FullName,
            Evaluate = result.GetValue(evaluate)?.FullName,
            Threads = result.GetValue(threads),
            Limit = result.GetValue(limit),
            Progress = !result.GetValue(noProgress) && !Console.IsOutputRedirected,
        }, cancel));
        return root;
    }

    /// <summary>Cores divided by the job's processes on this machine (all cores without mpirun).</summary>
    public static int DefaultThreads => Math.Max(1, Environment.ProcessorCount / Math.Max(1, Nabla.Distributed.LaunchEnvironment.LocalWorldSize));

    private static Option<int> Positive(Option<int> option) => Check(option, v => v >= 1, $"{option.Name} must be at least 1");

    /// <summary>Adds a range check that runs on a value that parsed (one that did not already has its own error).</summary>
    private static Option<T> Check<T>(Option<T> option, Func<T, bool> valid, string message) where T : ISpanParsable<T>
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && T.TryParse(token.Value, System.Globalization.CultureInfo.InvariantCulture, out var value) && !valid(value))
                r.AddError(message);
        });
        return option;
    }
}
