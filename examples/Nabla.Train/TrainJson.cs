using System.Text.Json.Serialization;

namespace Nabla.Train;

/// <summary>Source-generated JSON for what a checkpoint stores about its run.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, WriteIndented = false)]
[JsonSerializable(typeof(TrainOptions))]
[JsonSerializable(typeof(TrainingProgress))]
internal sealed partial class TrainJson : JsonSerializerContext;
