namespace Nabla.Distributed.Tests;

/// <summary>The main job (nabla-train) under mpirun -np 2: data-parallel, rank 0 alone reporting and writing files.</summary>
public class TrainJobTests
{
    [SkippableFact]
    public void TrainsDataParallelWithOneReportAndOneCheckpoint()
    {
        MpiRun.SkipUnlessAvailable();
        var output = Path.Combine(Path.GetTempPath(), $"nabla-ddp-train-{Guid.NewGuid():N}");
        try
        {
            var result = MpiRun.RunTraining(2, ["--epochs", "1", "--limit", "256", "--batch-size", "32", "--no-progress", "--out", output],
                TimeSpan.FromMinutes(5));
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(result.Output, "epoch 1: train loss"));
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(result.Output, "test accuracy"));
            Assert.True(File.Exists(Path.Combine(output, "checkpoint.safetensors")), result.ToString());
            Assert.True(File.Exists(Path.Combine(output, "curves.png")), result.ToString());
            var log = File.ReadAllLines(Path.Combine(output, "train.log"));
            Assert.Single(log, l => l.Contains("epoch 1:"));
            Assert.Single(log, l => l.Contains("1 threads per process x 2 processes (DistributedDataParallel; global batch 64)"));
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }
}
