using Nabla.NN;
using Spectre.Console;

namespace Nabla.Train;

/// <summary>
/// Reports on the console: a live progress bar per epoch (loss, accuracy, images per second, time left) when output
/// is a terminal, and always one plain line per epoch, so a log of a redirected run keeps every epoch; the same lines
/// go to <c>train.log</c> in the output folder.
/// </summary>
public sealed class ConsoleReporter(bool live, string outputDirectory, int processes = 1) : IReporter
{
    private string LogPath => Path.Combine(outputDirectory, "train.log");

    /// <inheritdoc/>
    public void Start(TrainOptions run, int trainImages, int testImages, Module model, int startEpoch)
    {
        int parameters = model.Parameters().Sum(p => p.Numel);
        Line($"Nabla: training a {parameters:N0}-parameter CNN on {trainImages:N0} Fashion-MNIST images (test: {testImages:N0}), " +
             $"{run.Optimizer} lr {run.LearningRate}, batch {run.BatchSize}, {run.Epochs} epochs, seed {run.Seed}, {run.Threads} threads" +
             (processes > 1 ? $" per process x {processes} processes (DistributedDataParallel; global batch {run.BatchSize * processes})" : "") +
             (startEpoch > 0 || run.Resume is not null ? $", resumed from {run.Resume}" : ""));
    }

    /// <inheritdoc/>
    public bool Epoch(int epoch, int epochs, int batches, int alreadyDone, Func<IEpochProgress, bool> body)
    {
        if (!live) return body(new Silent());
        return AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"epoch {epoch}/{epochs}", maxValue: batches);
                task.Value = alreadyDone;
                return body(new Bar(task, epoch, epochs));
            });
    }

    /// <inheritdoc/>
    public void EpochDone(EpochRecord r) =>
        Line($"epoch {r.Epoch}: train loss {r.TrainLoss:F4} acc {100 * r.TrainAccuracy:F2}% | test loss {r.TestLoss:F4} acc {100 * r.TestAccuracy:F2}% | " +
             $"{r.Seconds:F1} s, {r.ImagesPerSecond:F0} img/s");

    /// <inheritdoc/>
    public void Stopped(string checkpoint, int epoch, int batch) =>
        Line($"stopped in epoch {epoch} after batch {batch}; checkpoint written to {checkpoint} (continue with --resume {checkpoint})");

    /// <inheritdoc/>
    public void Final(Evaluation result, IReadOnlyList<EpochRecord> history, string outputDirectory)
    {
        Line($"test accuracy {100 * result.Accuracy:F2}% (loss {result.Loss:F4})");
        var perClass = new Table().Title("per class").AddColumns("class", "precision", "recall");
        for (int c = 0; c < FashionMnist.Classes.Length; c++)
            perClass.AddRow(Markup.Escape(FashionMnist.Classes[c]), Percent(result.Confusion.Precision(c)), Percent(result.Confusion.Recall(c)));
        AnsiConsole.Write(perClass);
        var confusion = new Table().Title("confusion matrix (rows: true class, columns: predicted)").AddColumn("");
        for (int c = 0; c < FashionMnist.Classes.Length; c++) confusion.AddColumn(new TableColumn(c.ToString()).RightAligned());
        for (int t = 0; t < FashionMnist.Classes.Length; t++)
            confusion.AddRow([$"{t} {Markup.Escape(FashionMnist.Classes[t])}", .. Enumerable.Range(0, FashionMnist.Classes.Length)
                .Select(p => p == t ? $"[green]{result.Confusion[t, p]}[/]" : result.Confusion[t, p].ToString())]);
        AnsiConsole.Write(confusion);
        if (history.Count > 0)
            Line($"files in {outputDirectory}: checkpoint.safetensors (+ .optim.safetensors), curves.png, misclassified.png, train.log");
    }

    private static string Percent(double x) => double.IsNaN(x) ? "-" : $"{100 * x:F1}%";

    private void Line(string text)
    {
        AnsiConsole.WriteLine(text);
        Directory.CreateDirectory(outputDirectory);
        File.AppendAllText(LogPath, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {text}{Environment.NewLine}");
    }

    private sealed class Bar(ProgressTask task, int epoch, int epochs) : IEpochProgress
    {
        public void Advance(double loss, double accuracy, long images, double seconds)
        {
            task.Description = $"epoch {epoch}/{epochs} loss {loss:F4} acc {100 * accuracy:F1}% {images / Math.Max(seconds, 1e-9):F0} img/s";
            task.Increment(1);
        }
    }

    private sealed class Silent : IEpochProgress
    {
        public void Advance(double loss, double accuracy, long images, double seconds) { }
    }
}
