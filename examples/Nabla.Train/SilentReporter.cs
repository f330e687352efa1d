using Nabla.NN;

namespace Nabla.Train;

/// <summary>The reporter of ranks other than 0 in a data-parallel run: they train in step with rank 0 and say nothing.</summary>
public sealed class SilentReporter : IReporter
{
    /// <inheritdoc/>
    public void Start(TrainOptions run, int trainImages, int testImages, Module model, int startEpoch) { }

    /// <inheritdoc/>
    public bool Epoch(int epoch, int epochs, int batches, int alreadyDone, Func<IEpochProgress, bool> body) => body(new Quiet());

    /// <inheritdoc/>
    public void EpochDone(EpochRecord record) { }

    /// <inheritdoc/>
    public void Stopped(string checkpoint, int epoch, int batch) { }

    /// <inheritdoc/>
    public void Final(Evaluation result, IReadOnlyList<EpochRecord> history, string outputDirectory) { }

    private sealed class Quiet : IEpochProgress
    {
        public void Advance(double loss, double accuracy, long images, double seconds) { }
    }
}
