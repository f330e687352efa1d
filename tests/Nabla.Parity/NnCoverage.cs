using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Nabla.NN;
using Nabla.Parity.Harness;

namespace Nabla.Parity;

/// <summary>
/// The audit of issue 8 ("every op above is in the parity op table (values, dtypes, gradients under random cotangents,
/// error cases) and in GradCheck"): each op the issue names, the Nabla member and module, and what the op table and the
/// GradCheck tests hold for it, read from the tables themselves. docs/NN_COVERAGE.md is rendered from it; a test fails when
/// an op lacks a check and is not listed in <see cref="Gaps"/> with its reason, or when a listed gap has been closed.
/// <c>NABLA_PARITY_WRITE_DOCS=1 dotnet test tests/Nabla.Parity --filter FullyQualifiedName~NnCoverage</c> rewrites the file.
/// </summary>
public class NnCoverage
{
    /// <summary>One op of the issue: <paramref name="Nabla"/> is "F.Name" or "Tensor.Name"; modules separated by '/'.</summary>
    public sealed record Op(string Family, string Name, string Nabla, string? Module, string[] Parity, bool Differentiable = true, string? NoErrors = null);

    private const string AnyInput = "every shape and dtype is valid input";

    private static Op[] Family(string family, params Op[] ops) => [.. ops.Select(o => o with { Family = family })];
    private static Op E(string name, string nabla, string? module, params string[] parity) => new("", name, nabla, module, parity);
    private static Op U(string name, string nabla, string? module, params string[] parity) => new("", name, nabla, module, parity, NoErrors: AnyInput);

    /// <summary>Every op issue 8 names (and the rest of torch's real pointwise family Nabla has), in the issue's order.</summary>
    public static readonly Op[] Ops =
    [
        .. Family("functional",
            E("Linear", "F.Linear", "Linear", "nn.functional.linear"),
            E("Bilinear", "F.Bilinear", "Bilinear", "nn.functional.bilinear"),
            E("Conv1d", "F.Conv1d", "Conv1d", "nn.functional.conv1d"),
            E("Conv2d", "F.Conv2d", "Conv2d", "nn.functional.conv2d"),
            E("Conv3d", "F.Conv3d", "Conv3d", "nn.functional.conv3d"),
            E("ConvTranspose1d", "F.ConvTranspose1d", "ConvTranspose1d", "nn.functional.conv_transpose1d"),
            E("ConvTranspose2d", "F.ConvTranspose2d", "ConvTranspose2d", "nn.functional.conv_transpose2d"),
            E("ConvTranspose3d", "F.ConvTranspose3d", "ConvTranspose3d", "nn.functional.conv_transpose3d"),
            E("Pad (padding modes)", "F.Pad", "ConstantPad2d/ReflectionPad2d/ReplicationPad2d/CircularPad2d", "nn.functional.pad(constant)", "nn.functional.pad(reflect/replicate/circular)"),
            E("Unfold", "F.Unfold", "Unfold", "nn.functional.unfold"),
            E("Fold", "F.Fold", "Fold", "nn.functional.fold"),
            E("Embedding", "F.Embedding", "Embedding", "nn.functional.embedding"),
            E("EmbeddingBag", "F.EmbeddingBag", "EmbeddingBag", "nn.functional.embedding_bag"),
            E("Dropout", "F.Dropout", "Dropout", "nn.functional.dropout(seeded)"),
            E("Dropout1d", "F.Dropout1d", "Dropout1d", "nn.functional.dropout1d(seeded)"),
            E("Dropout2d", "F.Dropout2d", "Dropout2d", "nn.functional.dropout2d(seeded)"),
            E("Dropout3d", "F.Dropout3d", "Dropout3d", "nn.functional.dropout3d(seeded)"),
            E("Interpolate / Upsample", "F.Interpolate", "Upsample/UpsamplingNearest2d/UpsamplingBilinear2d", "nn.functional.interpolate"),
            E("PixelShuffle", "F.PixelShuffle", "PixelShuffle", "nn.functional.pixel_shuffle"),
            E("PixelUnshuffle", "F.PixelUnshuffle", "PixelUnshuffle", "nn.functional.pixel_unshuffle")),
        .. Family("pooling",
            E("MaxPool1d", "F.MaxPool1d", "MaxPool1d", "max_pool1d_with_indices"),
            E("MaxPool2d", "F.MaxPool2d", "MaxPool2d", "max_pool2d_with_indices"),
            E("MaxPool3d", "F.MaxPool3d", "MaxPool3d", "max_pool3d_with_indices"),
            E("AvgPool1d", "F.AvgPool1d", "AvgPool1d", "avg_pool1d"),
            E("AvgPool2d", "F.AvgPool2d", "AvgPool2d", "avg_pool2d"),
            E("AvgPool3d", "F.AvgPool3d", "AvgPool3d", "avg_pool3d"),
            E("AdaptiveAvgPool1d", "F.AdaptiveAvgPool1d", "AdaptiveAvgPool1d", "adaptive_avg_pool1d"),
            E("AdaptiveAvgPool2d", "F.AdaptiveAvgPool2d", "AdaptiveAvgPool2d", "adaptive_avg_pool2d"),
            E("AdaptiveAvgPool3d", "F.AdaptiveAvgPool3d", "AdaptiveAvgPool3d", "adaptive_avg_pool3d"),
            E("AdaptiveMaxPool1d", "F.AdaptiveMaxPool1d", "AdaptiveMaxPool1d", "adaptive_max_pool1d"),
            E("AdaptiveMaxPool2d", "F.AdaptiveMaxPool2d", "AdaptiveMaxPool2d", "adaptive_max_pool2d"),
            E("AdaptiveMaxPool3d", "F.AdaptiveMaxPool3d", "AdaptiveMaxPool3d", "adaptive_max_pool3d"),
            E("MaxUnpool1d", "F.MaxUnpool1d", "MaxUnpool1d", "max_unpool1d(max_pool1d)"),
            E("MaxUnpool2d", "F.MaxUnpool2d", "MaxUnpool2d", "max_unpool2d(max_pool2d)"),
            E("MaxUnpool3d", "F.MaxUnpool3d", "MaxUnpool3d", "max_unpool3d(max_pool3d)"),
            E("LpPool1d", "F.LpPool1d", "LPPool1d", "lp_pool1d"),
            E("LpPool2d", "F.LpPool2d", "LPPool2d", "lp_pool2d")),
        .. Family("activation",
            U("ReLU", "Tensor.Relu", "ReLU", "relu"),
            U("ReLU6", "F.Relu6", "ReLU6", "nn.functional.relu6"),
            U("LeakyReLU", "F.LeakyRelu", "LeakyReLU", "nn.functional.leaky_relu"),
            E("PReLU", "F.Prelu", "PReLU", "nn.functional.prelu"),
            U("ELU", "F.Elu", "ELU", "nn.functional.elu"),
            U("SELU", "F.Selu", "SELU", "nn.functional.selu"),
            U("CELU", "F.Celu", "CELU", "nn.functional.celu"),
            U("GELU (none, tanh)", "F.Gelu", "GELU", "nn.functional.gelu"),
            U("SiLU", "F.Silu", "SiLU", "nn.functional.silu"),
            U("Mish", "F.Mish", "Mish", "nn.functional.mish"),
            U("Softplus", "F.Softplus", "Softplus", "nn.functional.softplus"),
            U("Softsign", "F.Softsign", "Softsign", "nn.functional.softsign"),
            U("Hardtanh", "F.Hardtanh", "Hardtanh", "nn.functional.hardtanh"),
            U("Hardsigmoid", "F.Hardsigmoid", "Hardsigmoid", "nn.functional.hardsigmoid"),
            U("Hardswish", "F.Hardswish", "Hardswish", "nn.functional.hardswish"),
            U("Tanhshrink", "F.Tanhshrink", "Tanhshrink", "nn.functional.tanhshrink"),
            U("Threshold", "F.Threshold", "Threshold", "nn.functional.threshold"),
            E("GLU", "F.Glu", "GLU", "nn.functional.glu"),
            E("Softmin", "F.Softmin", "Softmin", "nn.functional.softmin"),
            E("Softmax", "Tensor.Softmax", "Softmax", "softmax"),
            E("LogSoftmax", "Tensor.LogSoftmax", "LogSoftmax", "log_softmax"),
            U("LogSigmoid", "F.Logsigmoid", "LogSigmoid", "nn.functional.logsigmoid"),
            U("Hardshrink", "F.Hardshrink", "Hardshrink", "nn.functional.hardshrink"),
            E("Softshrink", "F.Softshrink", "Softshrink", "nn.functional.softshrink"),
            U("Sigmoid", "Tensor.Sigmoid", "Sigmoid", "sigmoid"),
            U("Tanh", "Tensor.Tanh", "Tanh", "tanh")),
        .. Family("normalisation",
            E("BatchNorm1d/2d/3d", "F.BatchNorm", "BatchNorm1d/BatchNorm2d/BatchNorm3d", "nn.functional.batch_norm"),
            E("LayerNorm", "F.LayerNorm", "LayerNorm", "nn.functional.layer_norm"),
            E("GroupNorm", "F.GroupNorm", "GroupNorm", "nn.functional.group_norm"),
            E("InstanceNorm", "F.InstanceNorm", "InstanceNorm1d/InstanceNorm2d/InstanceNorm3d", "nn.functional.instance_norm"),
            E("RMSNorm", "F.RmsNorm", "RMSNorm", "nn.functional.rms_norm"),
            E("LocalResponseNorm", "F.LocalResponseNorm", "LocalResponseNorm", "nn.functional.local_response_norm"),
            E("F.Normalize", "F.Normalize", null, "nn.functional.normalize")),
        .. Family("attention",
            E("ScaledDotProductAttention", "F.ScaledDotProductAttention", null, "nn.functional.scaled_dot_product_attention"),
            E("MultiheadAttention", "F.MultiHeadAttentionForward", "MultiheadAttention", "nn.functional.multi_head_attention_forward")),
        .. Family("loss",
            E("CrossEntropy", "F.CrossEntropy", "CrossEntropyLoss", "nn.functional.cross_entropy"),
            E("NLLLoss", "F.NllLoss", "NLLLoss", "nn.functional.nll_loss"),
            E("MSE", "F.MseLoss", "MSELoss", "nn.functional.mse_loss"),
            E("L1", "F.L1Loss", "L1Loss", "nn.functional.l1_loss"),
            E("SmoothL1", "F.SmoothL1Loss", "SmoothL1Loss", "nn.functional.smooth_l1_loss"),
            E("Huber", "F.HuberLoss", "HuberLoss", "nn.functional.huber_loss"),
            E("BCE", "F.BinaryCrossEntropy", "BCELoss", "nn.functional.binary_cross_entropy"),
            E("BCEWithLogits", "F.BinaryCrossEntropyWithLogits", "BCEWithLogitsLoss", "nn.functional.binary_cross_entropy_with_logits"),
            E("KLDiv", "F.KlDiv", "KLDivLoss", "nn.functional.kl_div"),
            E("CosineEmbedding", "F.CosineEmbeddingLoss", "CosineEmbeddingLoss", "nn.functional.cosine_embedding_loss"),
            E("MarginRanking", "F.MarginRankingLoss", "MarginRankingLoss", "nn.functional.margin_ranking_loss"),
            E("TripletMargin", "F.TripletMarginLoss", "TripletMarginLoss", "nn.functional.triplet_margin_loss"),
            E("PoissonNLL", "F.PoissonNllLoss", "PoissonNLLLoss", "nn.functional.poisson_nll_loss"),
            E("GaussianNLL", "F.GaussianNllLoss", "GaussianNLLLoss", "nn.functional.gaussian_nll_loss"),
            E("SoftMargin", "F.SoftMarginLoss", "SoftMarginLoss", "nn.functional.soft_margin_loss"),
            E("MultiLabelSoftMargin", "F.MultilabelSoftMarginLoss", "MultiLabelSoftMarginLoss", "nn.functional.multilabel_soft_margin_loss"),
            E("MultiMargin", "F.MultiMarginLoss", "MultiMarginLoss", "nn.functional.multi_margin_loss"),
            E("MultiLabelMargin", "F.MultilabelMarginLoss", "MultiLabelMarginLoss", "nn.functional.multilabel_margin_loss"),
            E("HingeEmbedding", "F.HingeEmbeddingLoss", "HingeEmbeddingLoss", "nn.functional.hinge_embedding_loss")),
        .. Family("pointwise",
            U("floor", "Tensor.Floor", null, "floor"), U("ceil", "Tensor.Ceil", null, "ceil"),
            U("round", "Tensor.Round", null, "round", "round(decimals)"), U("trunc", "Tensor.Trunc", null, "trunc"),
            U("frac", "Tensor.Frac", null, "frac"), U("sign", "Tensor.Sign", null, "sign"),
            U("sgn", "Tensor.Sgn", null, "sgn"),
            U("abs", "Tensor.Abs", null, "abs"), U("neg", "Tensor.Neg", null, "neg"),
            U("exp", "Tensor.Exp", null, "exp"), U("exp2", "Tensor.Exp2", null, "exp2"), U("expm1", "Tensor.Expm1", null, "expm1"),
            U("log", "Tensor.Log", null, "log"), U("log2", "Tensor.Log2", null, "log2"), U("log10", "Tensor.Log10", null, "log10"),
            U("log1p", "Tensor.Log1p", null, "log1p"), U("sqrt", "Tensor.Sqrt", null, "sqrt"), U("rsqrt", "Tensor.Rsqrt", null, "rsqrt"),
            U("reciprocal", "Tensor.Reciprocal", null, "reciprocal"), U("square", "Tensor.Square", null, "square"),
            U("erf", "Tensor.Erf", null, "erf"), U("erfc", "Tensor.Erfc", null, "erfc"), U("erfinv", "Tensor.Erfinv", null, "erfinv"),
            U("logit", "Tensor.Logit", null, "logit"), U("sinc", "Tensor.Sinc", null, "sinc"),
            U("sin", "Tensor.Sin", null, "sin"), U("cos", "Tensor.Cos", null, "cos"), U("tan", "Tensor.Tan", null, "tan"),
            U("asin", "Tensor.Asin", null, "asin"), U("acos", "Tensor.Acos", null, "acos"), U("atan", "Tensor.Atan", null, "atan"),
            U("sinh", "Tensor.Sinh", null, "sinh"), U("cosh", "Tensor.Cosh", null, "cosh"), U("asinh", "Tensor.Asinh", null, "asinh"),
            U("acosh", "Tensor.Acosh", null, "acosh"), U("atanh", "Tensor.Atanh", null, "atanh"),
            U("deg2rad", "Tensor.Deg2rad", null, "deg2rad"), U("rad2deg", "Tensor.Rad2deg", null, "rad2deg"),
            U("nan_to_num", "Tensor.NanToNum", null, "nan_to_num"),
            E("clamp", "Tensor.Clamp", null, "clamp", "clamp(tensor)", "clamp_min", "clamp_max", "clamp_min(tensor)"),
            E("atan2", "Tensor.Atan2", null, "atan2"), E("hypot", "Tensor.Hypot", null, "hypot"),
            E("copysign", "Tensor.Copysign", null, "copysign"), E("xlogy", "Tensor.Xlogy", null, "xlogy"),
            E("fmod", "Tensor.Fmod", null, "fmod", "fmod(scalar)"), E("remainder", "Tensor.Remainder", null, "remainder"),
            E("pow", "Tensor.Pow", null, "pow", "pow(scalar)"), E("float_power", "Tensor.FloatPower", null, "float_power", "float_power(scalar)"),
            E("maximum", "Tensor.Maximum", null, "maximum"), E("minimum", "Tensor.Minimum", null, "minimum"),
            E("fmax", "Tensor.Fmax", null, "fmax"), E("fmin", "Tensor.Fmin", null, "fmin"),
            E("logaddexp", "Tensor.Logaddexp", null, "logaddexp"), E("logaddexp2", "Tensor.Logaddexp2", null, "logaddexp2"),
            new("", "nextafter", "Tensor.Nextafter", null, ["nextafter"], Differentiable: false),
            E("lerp", "Tensor.Lerp", null, "lerp(tensor weight)", "lerp(scalar weight)"),
            E("addcmul", "Tensor.Addcmul", null, "addcmul"), E("addcdiv", "Tensor.Addcdiv", null, "addcdiv"),
            E("nansum", "Tensor.Nansum", null, "nansum"), E("nanmean", "Tensor.Nanmean", null, "nanmean")),
    ];

    /// <summary>Checks an op of <see cref="Ops"/> is known to lack, with the reason (each key is "op/check").</summary>
    public static readonly Dictionary<string, string> Gaps = new()
    {
        ["sgn/gradients"] = "libtorch's sgn backward of a real tensor is an efficient-zero tensor TorchSharp cannot read; GradCheck covers it",
        ["MultiheadAttention/float32"] = "the parity entry draws float64 only (the float32 path is the same code; init parity covers float32 weights)",
        ["MultiheadAttention/errors"] = "torch's checks are Python asserts in multi_head_attention_forward (AssertionError), which the entry's torch side does not run",
        ["MultiheadAttention/noncontiguous"] = "the entry draws contiguous q/k/v and projections; GradCheck runs it on transposed inputs",
        ["Hardtanh/gradients"] = "TorchSharp 0.107's hardtanh returns its input unclamped, so the entry compares values with clamp's; GradCheck and relu6's entry cover the gradient",
        ["MaxUnpool1d/errors"] = "the entry composes max_pool and max_unpool, so every drawn index is valid; output_size is checked in Python (_unpool_output_size), beyond the libtorch oracle; PoolingTests.MaxUnpoolMessages holds the kernel's invalid-index message",
        ["MaxUnpool2d/errors"] = "as MaxUnpool1d",
        ["MaxUnpool3d/errors"] = "as MaxUnpool1d",
    };

    /// <summary>torch.* real pointwise functions Nabla does not have yet (none of them is named by the issue).</summary>
    public static readonly string[] NotImplemented =
    [
        "lgamma", "digamma", "polygamma", "mvlgamma", "i0", "igamma / igammac", "special.* (entr, ndtr, ndtri, log_ndtr, xlog1py, i0e, i1, i1e, erfcx, bessel_*)",
        "heaviside", "signbit", "isfinite / isposinf / isneginf", "ldexp", "frexp", "gcd / lcm", "bitwise_* and shifts",
    ];

    public sealed record Row(Op Op, bool Member, string Module, bool ParityFound, bool Float32, bool Float64, bool Gradients, int ErrorSamples,
        bool NonContiguous, string GradCheck, int Samples, IReadOnlyList<string> Missing);

    /// <summary>What the op table and the GradCheck tests hold for each op (samples drawn as the parity run draws them).</summary>
    public static IReadOnlyList<Row> Audit()
    {
        var gradChecked = GradCheckedNames();
        var rows = new List<Row>();
        foreach (var op in Ops)
        {
            var infos = op.Parity.Select(n => OpTable.Ops.FirstOrDefault(o => o.Name == n)).ToArray();
            bool found = infos.All(i => i is not null);
            var present = infos.OfType<OpInfo>().ToArray();
            var samples = present.SelectMany(i =>
            {
                var g = new Gen(ParityTests.OpSeed(ParityTests.DefaultSeed, i.Name));
                return i.DTypes.SelectMany(dt => i.Samples(g, dt).ToList());
            }).ToList();
            bool f32 = present.Length > 0 && present.All(i => i.DTypes.Contains(DType.Float32));
            bool f64 = present.Length > 0 && present.All(i => i.DTypes.Contains(DType.Float64));
            bool grads = present.Length > 0 && present.All(i => i.Differentiable) && samples.Any(s => s.Inputs.Any(x => x.Grad));
            int errors = samples.Count(s => s.Kind.Contains("error"));
            bool nonContiguous = samples.Any(s => s.Inputs.Any(x => x.Views.Length > 0));
            string member = op.Nabla.Split('.')[1];
            bool exists = (op.Nabla.StartsWith("F.") ? typeof(F) : typeof(Tensor)).GetMember(member, BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance).Length > 0;
            string module = op.Module is null ? "—" : string.Join(" ", op.Module.Split('/').Select(m => typeof(F).Assembly.GetType("Nabla.NN." + m) is null ? $"{m} ✗" : m));
            string gradCheck = gradChecked.TryGetValue(Token(op), out var file) ? file : "";

            var missing = new List<string>();
            if (!exists) missing.Add("member");
            if (!found) missing.Add("parity");
            if (!f32) missing.Add("float32");
            if (!f64) missing.Add("float64");
            if (op.Differentiable && !grads) missing.Add("gradients");
            if (op.NoErrors is null && errors == 0) missing.Add("errors");
            if (!nonContiguous) missing.Add("noncontiguous");
            if (op.Differentiable && gradCheck == "") missing.Add("gradcheck");
            missing.RemoveAll(m => Gaps.ContainsKey($"{op.Name}/{m}"));
            rows.Add(new Row(op, exists, module, found, f32, f64, grads, errors, nonContiguous, gradCheck, samples.Count, missing));
        }
        return rows;
    }

    /// <summary>The call a GradCheck must contain for the op: "F.Conv2d(" or ".Floor(".</summary>
    private static string Token(Op op) => op.Nabla.StartsWith("F.") ? op.Nabla + "(" : op.Nabla["Tensor".Length..] + "(";

    /// <summary>
    /// Which tokens appear inside a GradCheck: in the statement of a GradCheck.Check / GradGradCheck call, of a call to a local
    /// helper whose body runs GradCheck (ConvolutionTests.Check), or in an entry of a table whose file runs GradCheck over
    /// its entries (GradCheckAllOpsTests, NNGradCheckTests). Maps each token found to the first file holding it.
    /// </summary>
    private static Dictionary<string, string> GradCheckedNames()
    {
        var result = new Dictionary<string, string>();
        string root = RepoRoot();
        var files = new[] { "tests/Nabla.Tests", "tests/Nabla.PyTorchTests" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/")).Order();
        var tokens = Ops.Select(Token).Distinct().ToArray();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            if (!lines.Any(l => l.Contains("GradCheck."))) continue;
            var helpers = new List<string>();
            for (int i = 0; i < lines.Length; i++)
                if (Regex.Match(lines[i], @"static void (\w+)\(") is { Success: true } m && lines.Skip(i + 1).Take(8).TakeWhile(l => !l.Contains("[Fact]")).Any(l => l.Contains("GradCheck.")))
                    helpers.Add(m.Groups[1].Value);
            bool table = lines.Any(l => l.Contains("Ops.Single("));
            bool IsStart(string l) => l.Contains("GradCheck.") || helpers.Any(h => Regex.IsMatch(l, $@"^\s*{h}\(")) || (table && Regex.IsMatch(l, @"^\s*new\(""\w+"", \["));
            for (int i = 0; i < lines.Length; i++)
            {
                if (!IsStart(lines[i])) continue;
                var chunk = new StringBuilder(lines[i]);
                for (int j = i + 1; j < lines.Length && !IsStart(lines[j]) && !lines[j].Contains("[Fact]") && !lines[j].Contains("[Theory]") && lines[j].Trim() != "}" && lines[j].Trim() != "];"; j++)
                    chunk.Append(lines[j]);
                var text = chunk.ToString();
                foreach (var t in tokens)
                    if (text.Contains(t) && !result.ContainsKey(t)) result[t] = Path.GetFileName(file);
            }
        }
        return result;
    }

    private static string RepoRoot()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Nabla.slnx"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repo root not found");
        return dir;
    }

    private static string Mark(bool ok) => ok ? "✓" : "✗";

    /// <summary>docs/NN_COVERAGE.md as the audit finds it (deterministic).</summary>
    public static string Render()
    {
        var rows = Audit();
        var md = new StringBuilder();
        md.AppendLine("# Issue 8 coverage: every nn op in the parity table and in GradCheck");
        md.AppendLine();
        md.AppendLine("Generated by `tests/Nabla.Parity/NnCoverage.cs`, which reads the parity op table (`tests/Nabla.Parity/OpTable*.cs`,");
        md.AppendLine("samples drawn as the parity run draws them) and scans the GradCheck tests (`tests/Nabla.Tests`, `tests/Nabla.PyTorchTests`).");
        md.AppendLine("`NnCoverage.EveryIssueOpIsCheckedOrAListedGap` fails when an op lacks a check below and the gap is not listed with its");
        md.AppendLine("reason, or when a listed gap has been closed. Regenerate with");
        md.AppendLine("`NABLA_PARITY_WRITE_DOCS=1 dotnet test tests/Nabla.Parity --filter FullyQualifiedName~NnCoverage`.");
        md.AppendLine();
        md.AppendLine("Columns: **parity** the op-table entries (each compared with libtorch 2.10 on values, dtype, shape, gradients under random");
        md.AppendLine("cotangents and error messages); **f32/f64** both dtypes drawn; **grads** gradients compared; **errors** samples libtorch must");
        md.AppendLine("reject (\"any\": every shape and dtype is valid input, so the comparison of dtypes and shapes is the whole contract);");
        md.AppendLine("**non-contig** inputs through transposed, step-sliced or expanded views; **GradCheck** the test file whose GradCheck");
        md.AppendLine("(finite differences, float64, contiguous and transposed) calls the op. A module marked ✗ does not exist yet.");
        md.AppendLine();
        int gaps = rows.Sum(r => r.Missing.Count);
        md.AppendLine($"{rows.Count} ops, {rows.Sum(r => r.Samples)} parity samples; {rows.Count(r => r.Missing.Count == 0 && !Gaps.Keys.Any(k => k.StartsWith(r.Op.Name + "/")))} with every check; {gaps} unlisted gap(s); {Gaps.Count} listed gap(s) with reasons.");
        foreach (var family in rows.GroupBy(r => r.Op.Family))
        {
            md.AppendLine();
            md.AppendLine($"## {family.Key}");
            md.AppendLine();
            md.AppendLine("| op | Nabla | module | parity | samples | f32/f64 | grads | errors | non-contig | GradCheck |");
            md.AppendLine("|---|---|---|---|---:|---|---|---:|---|---|");
            foreach (var r in family)
            {
                string grads = r.Op.Differentiable ? Mark(r.Gradients) : "n/a (no formula)";
                string errors = r.ErrorSamples > 0 ? r.ErrorSamples.ToString() : r.Op.NoErrors is null ? "✗" : "any";
                md.AppendLine($"| {r.Op.Name} | `{r.Op.Nabla}`{(r.Member ? "" : " ✗")} | {r.Module} | {(r.ParityFound ? string.Join(", ", r.Op.Parity.Select(p => $"`{p}`")) : "✗")} | {r.Samples} | "
                    + $"{Mark(r.Float32)}/{Mark(r.Float64)} | {grads} | {errors} | {Mark(r.NonContiguous)} | {(r.GradCheck == "" ? (r.Op.Differentiable ? "✗" : "n/a") : r.GradCheck)} |");
            }
        }
        md.AppendLine();
        md.AppendLine("## Listed gaps");
        md.AppendLine();
        foreach (var (k, v) in Gaps) md.AppendLine($"- `{k}`: {v}");
        md.AppendLine();
        md.AppendLine("## torch.* real pointwise functions not in Nabla yet");
        md.AppendLine();
        md.AppendLine(string.Join(", ", NotImplemented) + ".");
        md.AppendLine();
        md.AppendLine("## Where Nabla's checks mirror Python rather than ATen");
        md.AppendLine();
        md.AppendLine("Some torch.nn.functional functions check their arguments (or compute) in Python, which libtorch, and so TorchSharp,");
        md.AppendLine("never runs. Nabla raises the Python wording there, and the parity entry follows the Python function on libtorch ops:");
        md.AppendLine();
        foreach (var line in PythonLevel) md.AppendLine("- " + line);
        return md.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>The Python-level checks Nabla mirrors (verified against torch/nn/functional.py).</summary>
    public static readonly string[] PythonLevel =
    [
        "`interpolate`: every argument check (see docs/INTERPOLATE_CHECKS.md for each message, verified against torch/nn/functional.py).",
        "`gaussian_nll_loss`: \"var has negative entry/entries\", \"var is of incorrect size\"; var clamped under no_grad (the gradient passes the clamp).",
        "`multi_margin_loss`: \"only p == 1 and p == 2 supported\", \"weight must be one-dimensional\" (before ATen's own size checks).",
        "`binary_cross_entropy`: \"Using a target size (torch.Size([...])) that is different to the input size (torch.Size([...])) is deprecated. Please ensure they have the same size.\" (Python's ValueError, printed with torch.Size).",
        "`margin_ranking_loss`: \"margin_ranking_loss : All input tensors should have same dimension but got sizes: ...\" (ATen would broadcast inputs of different ranks).",
        "`multilabel_soft_margin_loss`: computed in Python (logsigmoid terms averaged over the last dim), so a 0-d input raises the IndexError of `input.size(-1)`.",
    ];

    [Fact]
    public void EveryIssueOpIsCheckedOrAListedGap()
    {
        var rows = Audit();
        var unlisted = rows.Where(r => r.Missing.Count > 0).Select(r => $"{r.Op.Name}: {string.Join(", ", r.Missing)}").ToList();
        Assert.True(unlisted.Count == 0, "ops of issue 8 missing checks (close the gap, or list it in NnCoverage.Gaps with a reason):\n" + string.Join("\n", unlisted));
        var audit = rows.ToDictionary(r => r.Op.Name);
        var closed = Gaps.Keys.Where(k =>
        {
            var (name, check) = (k[..k.LastIndexOf('/')], k[(k.LastIndexOf('/') + 1)..]);
            var r = audit[name];
            return check switch
            {
                "gradients" => r.Gradients,
                "gradcheck" => r.GradCheck != "",
                "float32" => r.Float32,
                "float64" => r.Float64,
                "errors" => r.ErrorSamples > 0,
                "noncontiguous" => r.NonContiguous,
                _ => r.ParityFound,
            };
        }).ToList();
        Assert.True(closed.Count == 0, "gaps listed in NnCoverage.Gaps that are closed now (remove them): " + string.Join(", ", closed));
    }

    [Fact]
    public void NotImplementedFunctionsAreReallyMissing()
    {
        foreach (var name in new[] { "Lgamma", "Digamma", "I0", "Heaviside", "Signbit", "Isfinite", "Ldexp", "Gcd" })
            Assert.Empty(typeof(Tensor).GetMember(name));
    }

    /// <summary>The committed docs/NN_COVERAGE.md is what <see cref="Render"/> makes (or is rewritten, with NABLA_PARITY_WRITE_DOCS=1).</summary>
    [Fact]
    public void CommittedCoverageMarkdownIsCurrent()
    {
        string path = Path.Combine(RepoRoot(), "docs", "NN_COVERAGE.md");
        string expected = Render();
        if (Environment.GetEnvironmentVariable("NABLA_PARITY_WRITE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
            return;
        }
        Assert.True(File.Exists(path) && File.ReadAllText(path).ReplaceLineEndings("\n") == expected,
            "docs/NN_COVERAGE.md is out of date: regenerate it with NABLA_PARITY_WRITE_DOCS=1 dotnet test tests/Nabla.Parity --filter FullyQualifiedName~NnCoverage");
    }
}
