namespace Nabla.Optim.LRScheduler;

/// <summary>ReduceLROnPlateau's threshold_mode.</summary>
public enum ThresholdMode
{
    /// <summary>"rel": better means beyond best · (1 ∓ threshold).</summary>
    Rel,
    /// <summary>"abs": better means beyond best ∓ threshold.</summary>
    Abs,
}
