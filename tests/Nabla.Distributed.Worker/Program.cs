using System.Globalization;
using System.Reflection;
using Nabla.Distributed;
using Nabla.Distributed.Worker;

// Usage: dotnet Nabla.Distributed.Worker.dll <scenario> [args...]   (normally under mpirun -np N)
// NABLA_DIST_TIMEOUT_SECONDS sets the process group's collective timeout (default 30 s here, so that a broken test
// fails quickly; Dist's own default is 30 minutes). On success every rank prints "[rank r/n] PASS <scenario>" and exits 0;
// a failing scenario's exception is left unhandled, as in a user's program, so the rank dies and mpirun stops the others.
Console.Out.Flush();
var scenarios = typeof(ScenarioAttribute).Assembly.GetTypes()
    .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
    .Select(m => (Method: m, Attribute: m.GetCustomAttribute<ScenarioAttribute>()))
    .Where(s => s.Attribute is not null)
    .ToDictionary(s => s.Attribute!.Name, s => s);
if (args.Length == 0 || !scenarios.TryGetValue(args[0], out var scenario))
{
    Console.Error.WriteLine($"usage: Nabla.Distributed.Worker <scenario> [args]; scenarios: {string.Join(", ", scenarios.Keys.Order())}");
    return 2;
}
var timeout = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("NABLA_DIST_TIMEOUT_SECONDS") ?? "30", CultureInfo.InvariantCulture));
var group = scenario.Attribute!.InitGroup ? Dist.InitProcessGroup(Backend.Mpi, timeout) : null;
var context = new ScenarioContext(group, args[1..]);
try
{
    scenario.Method.Invoke(null, [context]);
}
catch (TargetInvocationException e) when (e.InnerException is { } inner)
{
    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
}
if (group is not null) Dist.DestroyProcessGroup();
context.Log($"PASS {args[0]}");
return 0;
