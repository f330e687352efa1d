using System.Collections;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Nabla.Train;

/// <summary>
/// Turns nested state dicts (an optimizer's or a scheduler's: dicts, lists, tuples, numbers, strings, tensors) into
/// a JSON skeleton plus named tensors, so that one safetensors file holds them: the tensors as entries, the skeleton
/// in the metadata. Integer dict keys and integers stay integers; tuples come back as lists.
/// </summary>
public static class StateCodec
{
    /// <summary>Encodes <paramref name="value"/>; its tensors are added to <paramref name="tensors"/> under names made from <paramref name="path"/>.</summary>
    public static JsonNode? Encode(object? value, string path, Dictionary<string, Tensor> tensors) => value switch
    {
        null => null,
        Tensor t => Tensor(t, path, tensors),
        bool b => JsonValue.Create(b),
        string s => JsonValue.Create(s),
        int or long => JsonValue.Create(Convert.ToInt64(value)),
        float or double => JsonValue.Create(Convert.ToDouble(value)),
        IDictionary d => new JsonObject
        {
            ["$dict"] = new JsonArray(d.Keys.Cast<object>().Select(k =>
                (JsonNode)new JsonArray(Encode(k, path, tensors), Encode(d[k], $"{path}.{k}", tensors))).ToArray()),
        },
        ITuple tuple => new JsonArray(Enumerable.Range(0, tuple.Length).Select(i => Encode(tuple[i], $"{path}.{i}", tensors)).ToArray()),
        IEnumerable list => new JsonArray(list.Cast<object?>().Select((x, i) => Encode(x, $"{path}.{i}", tensors)).ToArray()),
        _ => throw new ArgumentException($"state entry '{path}' has a type a checkpoint cannot hold: {value.GetType().Name}"),
    };

    /// <summary>Rebuilds what <see cref="Encode"/> encoded, taking tensors from <paramref name="tensors"/>.</summary>
    /// <exception cref="InvalidDataException">The skeleton names a tensor that is not there, or is malformed.</exception>
    public static object? Decode(JsonNode? node, IReadOnlyDictionary<string, Tensor> tensors) => node switch
    {
        null => null,
        JsonObject o when o["$tensor"] is JsonValue name => tensors.TryGetValue(name.GetValue<string>(), out var t)
            ? t : throw new InvalidDataException($"checkpoint: tensor '{name}' is missing"),
        JsonObject o when o["$dict"] is JsonArray pairs => pairs.Select(p => p as JsonArray is { Count: 2 } pair ? pair
                : throw new InvalidDataException("checkpoint: malformed dict entry"))
            .ToDictionary(pair => Decode(pair[0], tensors) ?? throw new InvalidDataException("checkpoint: null dict key"), pair => Decode(pair[1], tensors)),
        JsonArray a => a.Select(x => Decode(x, tensors)).ToList(),
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v when v.TryGetValue(out long l) => l,
        JsonValue v when v.TryGetValue(out double d) => d,
        _ => throw new InvalidDataException($"checkpoint: unexpected state entry {node.ToJsonString()}"),
    };

    /// <summary>Decodes a dict with string keys, as Nabla's LoadStateDict methods take it.</summary>
    public static Dictionary<string, object?> DecodeDict(JsonNode? node, IReadOnlyDictionary<string, Tensor> tensors) =>
        Decode(node, tensors) is IDictionary d
            ? d.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => d[k])
            : throw new InvalidDataException("checkpoint: expected a dict");

    private static JsonObject Tensor(Tensor t, string path, Dictionary<string, Tensor> tensors)
    {
        tensors[path] = t;
        return new JsonObject { ["$tensor"] = path };
    }
}
