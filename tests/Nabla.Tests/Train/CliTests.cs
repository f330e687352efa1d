using System.CommandLine;
using Nabla.Train;

namespace Nabla.Tests.Train;

public class CliTests
{
    private static (ParseResult Result, TrainOptions? Options) Parse(params string[] args)
    {
        TrainOptions? parsed = null;
        var command = Cli.Build((o, _) => { parsed = o; return Task.FromResult(0); });
        var result = command.Parse(args);
        if (result.Errors.Count == 0) result.Invoke();
        return (result, parsed);
    }

    [Theory]
    [InlineData("--epochs 0", "--epochs must be at least 1")]
    [InlineData("--batch-size -3", "--batch-size must be at least 1")]
    [InlineData("--lr 0", "--lr must be in (0, 10)")]
    [InlineData("--threads 0", "--threads must be at least 1")]
    [InlineData("--limit -1", "--limit must not be negative")]
    [InlineData("--epochs three", "three")]
    [InlineData("--optimizer rmsprop", "rmsprop")]
    [InlineData("--data /no/such/folder", "/no/such/folder")]
    [InlineData("--resume /no/such/file.safetensors", "/no/such/file.safetensors")]
    [InlineData("--frobnicate", "--frobnicate")]
    public void RefusesBadOptionsWithAClearMessage(string args, string named)
    {
        var (result, options) = Parse(args.Split(' '));
        Assert.Null(options);
        Assert.Contains(result.Errors, e => e.Message.Contains(named));
    }

    [Fact]
    public void ResumeAndEvalExcludeEachOther()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (result, _) = Parse("--resume", file, "--eval", file);
            Assert.Contains(result.Errors, e => e.Message == "--resume and --eval exclude each other");
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void DefaultsTrainOnTheBundledSubset()
    {
        var (_, options) = Parse();
        Assert.NotNull(options);
        Assert.Equal(3, options.Epochs);
        Assert.Equal(64, options.BatchSize);
        Assert.Equal(OptimizerChoice.AdamW, options.Optimizer);
        Assert.Equal(Cli.BundledData, options.DataDirectory);
        Assert.True(File.Exists(Path.Combine(options.DataDirectory, "train-images-idx3-ubyte.gz")));
    }

    [Fact]
    public void ParsesEveryOption()
    {
        var (_, o) = Parse("--epochs", "5", "-b", "128", "--lr", "0.01", "--optimizer", "sgd", "--seed", "9", "--threads", "1", "--limit", "100", "--out", "somewhere");
        Assert.Equal((5, 128, 0.01, OptimizerChoice.Sgd, 9UL, 1, 100), (o!.Epochs, o.BatchSize, o.LearningRate, o.Optimizer, o.Seed, o.Threads, o.Limit));
        Assert.Equal(Path.GetFullPath("somewhere"), o.OutputDirectory);
    }
}
