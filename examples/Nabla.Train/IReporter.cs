using Nabla.NN;

namespace Nabla.Train;

/// <summary>Tells the user what a run is doing.</summary>
public interface IReporter
{
    /// <summary>The run begins (or resumes at <paramref name="startEpoch"/>).</summary>
    void Start(TrainOptions run, int trainImages, int testImages, Module model, int startEpoch);

    /// <summary>Runs one epoch's <paramref name="body"/> while showing its progress; returns what the body returns.</summary>
    bool Epoch(int epoch, int epochs, int batches, int alreadyDone, Func<IEpochProgress, bool> body);

    /// <summary>An epoch ended and was evaluated.</summary>
    void EpochDone(EpochRecord record);

    /// <summary>The user stopped the run; a checkpoint was written.</summary>
    void Stopped(string checkpoint, int epoch, int batch);

    /// <summary>The run's final evaluation, its history, and where its files are.</summary>
    void Final(Evaluation result, IReadOnlyList<EpochRecord> history, string outputDirectory);
}

/// <summary>The progress of one epoch.</summary>
public interface IEpochProgress
{
    /// <summary>One more batch done: running mean loss and accuracy, images seen in this run, seconds elapsed.</summary>
    void Advance(double loss, double accuracy, long images, double seconds);
}
