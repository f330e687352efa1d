using System.Text.Json;
using System.Text.Json.Nodes;
using Nabla.IO;
using Nabla.NN;
using Nabla.Optim;
using Nabla.Optim.LRScheduler;

namespace Nabla.Train;

/// <summary>Where a run stands: enough, with the weights and the optimizer, to continue it exactly.</summary>
public sealed record TrainingProgress
{
    /// <summary>Epochs finished.</summary>
    public int Epoch { get; init; }

    /// <summary>Batches finished in the epoch under way (0 at an epoch boundary).</summary>
    public int Batch { get; init; }

    /// <summary>Sums over the finished batches of the epoch under way: loss times images, correct images, images.</summary>
    public double LossSum { get; init; }
    public long Correct { get; init; }
    public long Seen { get; init; }

    /// <summary>One record per finished epoch.</summary>
    public List<EpochRecord> History { get; init; } = [];
}

/// <summary>
/// A run's checkpoint: the model's state dict as <c>NAME.safetensors</c> (loadable by any safetensors reader, PyTorch
/// included), and beside it <c>NAME.optim.safetensors</c> with the optimizer's and scheduler's state dicts, the
/// default generator's state, the run's options and its progress. Each file is written whole or not at all.
/// </summary>
public static class Checkpoint
{
    private const string StateKey = "nabla.train";

    /// <summary>The optimizer file beside a model file.</summary>
    public static string OptimizerPath(string modelPath) => Path.ChangeExtension(modelPath, ".optim.safetensors");

    /// <summary>
    /// Writes the checkpoint: the optimizer file first, so a model file never points to a missing one. A data-parallel
    /// run passes every rank's generator state (<paramref name="rankGenerators"/>), so each rank resumes its own draws.
    /// </summary>
    public static void Save(string path, Module model, Optimizer optimizer, LRSchedulerBase scheduler, TrainOptions options, TrainingProgress progress,
        IReadOnlyList<byte[]>? rankGenerators = null)
    {
        string id = Guid.NewGuid().ToString("N");
        var tensors = new Dictionary<string, Tensor>();
        var state = new JsonObject
        {
            ["id"] = id,
            ["optimizer"] = StateCodec.Encode(optimizer.StateDict(), "optimizer", tensors),
            ["scheduler"] = StateCodec.Encode(scheduler.StateDict(), "scheduler", tensors),
            ["generator"] = Convert.ToBase64String(Generator.Default.GetState()),
            ["options"] = JsonSerializer.SerializeToNode(options, TrainJson.Default.TrainOptions),
            ["progress"] = JsonSerializer.SerializeToNode(progress, TrainJson.Default.TrainingProgress),
        };
        if (rankGenerators is not null)
            state["generators"] = new JsonArray([.. rankGenerators.Select(g => (JsonNode?)JsonValue.Create(Convert.ToBase64String(g)))]);
        Atomic.Write(OptimizerPath(path), temporary =>
            SafeTensors.Save(tensors, temporary, new Dictionary<string, string> { [StateKey] = state.ToJsonString() }));
        Atomic.Write(path, temporary =>
            SafeTensors.Save(model.StateDict(), temporary, new Dictionary<string, string> { ["format"] = "pt", [StateKey + ".id"] = id }));
    }

    /// <summary>Loads the weights into <paramref name="model"/> (strictly: every key, every shape).</summary>
    public static void LoadWeights(string path, Module model) => model.LoadStateDict(SafeTensors.Load(path), strict: true);

    /// <summary>The options a checkpoint's run was started with.</summary>
    public static TrainOptions ReadOptions(string path) =>
        ReadState(path).State["options"].Deserialize(TrainJson.Default.TrainOptions) ?? throw Malformed(path, "no options");

    /// <summary>
    /// Restores the optimizer, the scheduler and the default generator (rank <paramref name="rank"/>'s when the
    /// checkpoint holds one per rank of <paramref name="worldSize"/>), and returns the run's progress.
    /// </summary>
    public static TrainingProgress Resume(string path, Module model, Optimizer optimizer, LRSchedulerBase scheduler, int rank = 0, int worldSize = 1)
    {
        LoadWeights(path, model);
        var (state, tensors) = ReadState(path);
        optimizer.LoadStateDict(StateCodec.DecodeDict(state["optimizer"], tensors));
        scheduler.LoadStateDict(StateCodec.DecodeDict(state["scheduler"], tensors));
        var generator = state["generators"] is JsonArray perRank && perRank.Count == worldSize ? perRank[rank] : state["generator"];
        Generator.Default.SetState(Convert.FromBase64String(generator?.GetValue<string>() ?? throw Malformed(path, "no generator state")));
        return state["progress"].Deserialize(TrainJson.Default.TrainingProgress) ?? throw Malformed(path, "no progress");
    }

    private static (JsonObject State, Dictionary<string, Tensor> Tensors) ReadState(string path)
    {
        var (_, modelMeta) = SafeTensors.LoadWithMetadata(path);
        var (tensors, meta) = SafeTensors.LoadWithMetadata(OptimizerPath(path));
        if (meta?.GetValueOrDefault(StateKey) is not { } json || JsonNode.Parse(json) is not JsonObject state)
            throw Malformed(path, $"'{OptimizerPath(path)}' holds no training state");
        if (modelMeta?.GetValueOrDefault(StateKey + ".id") != state["id"]?.GetValue<string>())
            throw Malformed(path, $"'{OptimizerPath(path)}' belongs to another checkpoint");
        return (state, tensors);
    }

    private static InvalidDataException Malformed(string path, string problem) => new($"checkpoint '{path}': {problem}");
}
