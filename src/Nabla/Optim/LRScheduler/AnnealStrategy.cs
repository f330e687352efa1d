namespace Nabla.Optim.LRScheduler;

/// <summary>OneCycleLR's anneal_strategy.</summary>
public enum AnnealStrategy
{
    /// <summary>"cos": cosine annealing.</summary>
    Cos,
    /// <summary>"linear": linear annealing.</summary>
    Linear,
}
