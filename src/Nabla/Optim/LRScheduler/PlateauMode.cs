namespace Nabla.Optim.LRScheduler;

/// <summary>ReduceLROnPlateau's mode: whether the monitored quantity should go down or up.</summary>
public enum PlateauMode
{
    /// <summary>"min": reduce when the metric stops decreasing.</summary>
    Min,
    /// <summary>"max": reduce when the metric stops increasing.</summary>
    Max,
}
