using System.CommandLine;
using Nabla.Train;

// Ctrl+C asks the job to stop after the current batch and write a checkpoint; a second Ctrl+C ends the process.
int presses = 0;
Console.CancelKeyPress += (_, e) => e.Cancel = Interlocked.Increment(ref presses) == 1;

var command = Cli.Build((options, _) =>
    Task.FromResult(new TrainingJob(options, new ConsoleReporter(options.Progress, options.OutputDirectory), () => Volatile.Read(ref presses) > 0).Run()));
return await command.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
