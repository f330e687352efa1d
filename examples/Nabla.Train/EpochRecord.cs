namespace Nabla.Train;

/// <summary>One epoch's results: mean training loss and accuracy over its batches, and the test set's.</summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy, double Seconds, double ImagesPerSecond);
