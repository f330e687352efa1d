using System.CommandLine;
using Nabla.Distributed;
using Nabla.Train;

// Ctrl+C asks the job to stop after the current batch and write a checkpoint; a second Ctrl+C ends the process.
int presses = 0;
Console.CancelKeyPress += (_, e) => e.Cancel = Interlocked.Increment(ref presses) == 1;

var command = Cli.Build((options, _) =>
{
    // Under mpirun (more than one process) the job trains data-parallel; rank 0 alone reports and writes files.
    var group = LaunchEnvironment.IsDistributed ? Dist.InitProcessGroup() : null;
    try
    {
        IReporter reporter = group is null || group.Rank == 0
            ? new ConsoleReporter(options.Progress, options.OutputDirectory, group?.WorldSize ?? 1)
            : new SilentReporter();
        return Task.FromResult(new TrainingJob(options, reporter, () => Volatile.Read(ref presses) > 0, group).Run());
    }
    finally
    {
        if (group is not null) Dist.DestroyProcessGroup();
    }
});
return await command.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
