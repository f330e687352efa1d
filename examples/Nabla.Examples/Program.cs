using Nabla.Examples;

// Each scenario reproduces a problem PyTorch users met and solved, printing what the Python original prints.
var scenarios = new Dictionary<string, Action>
{
    ["ragged-mean"] = RaggedMean.Run,
    ["column-normalize"] = ColumnNormalizeExample.Run,
    ["gather"] = GatherExample.Run,
    ["mae-masking"] = MaeMasking.Run,
    ["maxpool-by-indexing"] = MaxPoolByIndexing.Run,
    ["maxpool-backward"] = MaxPoolBackward.Run,
    ["adaptive-pool"] = AdaptivePool.Run,
};

var chosen = args.Length == 0 || args[0] == "all" ? scenarios.Keys.ToArray() : args;
foreach (var name in chosen)
{
    if (!scenarios.TryGetValue(name, out var run))
    {
        Console.Error.WriteLine($"unknown scenario '{name}'; choose from: all, {string.Join(", ", scenarios.Keys)}");
        return 2;
    }
    Console.WriteLine($"== {name} ==");
    run();
    Console.WriteLine();
}
return 0;
