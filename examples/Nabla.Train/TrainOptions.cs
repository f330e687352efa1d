namespace Nabla.Train;

/// <summary>The optimizers the job can train with.</summary>
public enum OptimizerChoice
{
    /// <summary>AdamW with PyTorch's defaults (betas 0.9/0.999, weight decay 0.01) and a one-cycle schedule.</summary>
    AdamW,

    /// <summary>SGD with Nesterov momentum 0.9, weight decay 5e-4 and cosine annealing.</summary>
    Sgd,
}

/// <summary>Everything one run is told on the command line.</summary>
public sealed record TrainOptions
{
    public int Epochs { get; init; } = 3;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 2e-3;
    public OptimizerChoice Optimizer { get; init; } = OptimizerChoice.AdamW;
    public ulong Seed { get; init; }
    public required string DataDirectory { get; init; }
    public required string OutputDirectory { get; init; }
    public string? Resume { get; init; }
    public string? Evaluate { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Train on at most this many images (0: all), for quick runs and tests.</summary>
    public int Limit { get; init; }

    /// <summary>Whether to draw the live progress bar (off when output is not a terminal).</summary>
    public bool Progress { get; init; } = true;
}
