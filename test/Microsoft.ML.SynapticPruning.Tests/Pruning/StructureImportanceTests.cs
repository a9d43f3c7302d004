using Microsoft.ML.SynapticPruning.Compaction;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Pruning;

/// <summary>
/// The structure ranking rule of structured pruning (<see cref="StructureImportance"/>): group-relative scores (RMS divided
/// by the mean RMS of the active structures of the same group, the default) against the raw RMS (<see cref="StructureImportance.Absolute"/>).
/// </summary>
[Collection("Torch")]
public sealed class StructureImportanceTests
{
    private static SparsitySchedule Constant(double s) => new CubicSparsitySchedule(s, s, 0, 1);

    private static PruningOptions Structured(StructureImportance rule) => new() { PruningGranularity = PruningGranularity.Structure, StructureImportance = rule };

    private static string[] PrunedNames(SynapticPruner pruner)
        => pruner.Structures.Where((_, k) => pruner.PrunedStructures[k]).Select(s => s.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    private static int PrunedIn(SynapticPruner pruner, string group)
        => pruner.Structures.Where((s, k) => s.Group == group && pruner.PrunedStructures[k]).Count();

    [Fact]
    public void GroupRelativeIsTheDefaultEverywhere()
    {
        Assert.Equal(StructureImportance.GroupRelative, new PruningOptions().StructureImportance);
        Assert.Equal(StructureImportance.GroupRelative, new PrunedPatchTstOptions().StructureImportance);
        Assert.Equal(StructureImportance.GroupRelative, new PrunedLstmOptions().StructureImportance);
    }

    [Theory]
    [InlineData(StructureImportance.GroupRelative)]
    [InlineData(StructureImportance.Absolute)]
    public void TheMlNetOptionReachesThePruner(StructureImportance rule)
    {
        var options = new PrunedPatchTstOptions { PruningGranularity = PruningGranularity.Structure, StructureImportance = rule };
        Assert.Equal(rule, PrunedForecastingEstimator.BuildTrainingOptions(options, seed: 0).Pruning!.StructureImportance);
    }

    [Fact]
    public void AnUndefinedRuleIsRejectedNamingTheOption()
    {
        var pruning = Assert.Throws<ArgumentOutOfRangeException>(() => new PruningOptions { StructureImportance = (StructureImportance)7 }.Validate());
        Assert.Equal(nameof(PruningOptions.StructureImportance), pruning.ParamName);
        var ml = new MLContext();
        var estimator = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.PrunedLstm(new PrunedLstmOptions
        {
            PruningGranularity = PruningGranularity.Structure, StructureImportance = (StructureImportance)7,
        }));
        Assert.Equal(nameof(PrunedForecasterOptions.StructureImportance), estimator.ParamName);
    }

    [Fact]
    public void PatchTstWithHeadsLargerThanItsNeuronsLosesHeadsAndNeuronsAtFiftyPercent()
    {
        // Head h of every layer has all its weights of magnitude 0.1·(2h+1) (0.1 … 0.7), neuron n of magnitude
        // 0.001·(2n+1) (0.001 … 0.015): every head is far above every neuron. Relative to their groups' means the heads
        // score 0.25, 0.75, 1.25, 1.75 and the neurons 0.125, 0.375, …, 1.875; 50 % of the 2·(4 + 8) structures = 12 are
        // the six scores below 1 of each layer: heads 0 and 1, neurons 0 to 3.
        torch.manual_seed(21);
        var spec = new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 16, Horizon = 2, ModelDimension = 8, NumberOfHeads = 4, FeedForwardSize = 8, NumberOfLayers = 2 };
        using var model = (PatchTstForecaster)ForecasterFactory.Create(spec);
        model.eval();
        SetHeadsAndNeurons(model, (_, h) => 0.1f * (2 * h + 1), (_, n) => 0.001f * (2 * n + 1));
        using var pruner = new SynapticPruner(model, Constant(0.5), Structured(StructureImportance.GroupRelative));
        Assert.True(pruner.PruneTo(0.5));

        Assert.Equal(12, pruner.PrunedStructureCount);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(2, PrunedIn(pruner, $"encoder.{i}.heads"));
            Assert.Equal(4, PrunedIn(pruner, $"encoder.{i}.ffn"));
        }
        Assert.Equal(
            new[] { "encoder.0.ffn[0]", "encoder.0.ffn[1]", "encoder.0.ffn[2]", "encoder.0.ffn[3]", "encoder.0.heads[0]", "encoder.0.heads[1]",
                    "encoder.1.ffn[0]", "encoder.1.ffn[1]", "encoder.1.ffn[2]", "encoder.1.ffn[3]", "encoder.1.heads[0]", "encoder.1.heads[1]" },
            PrunedNames(pruner));

        // The compacted network keeps head slots 2 and 3 and four neurons per layer, and forecasts like the masked one.
        using var compacted = StructuredCompaction.Compact(model, pruner.ExportMasks());
        Assert.Equal(new[] { new[] { 2, 3 }, new[] { 2, 3 } }, compacted.Spec.LayerHeadSlots);
        Assert.Equal(new[] { 4, 4 }, compacted.Spec.LayerFeedForward);
        using var x = torch.randn(8, 16, 1);
        using var noGrad = torch.no_grad();
        using var masked = model.Forward(x, ForwardContext.Inference);
        using var small = compacted.Forward(x, ForwardContext.Inference);
        double scale = masked.abs().max().item<float>();
        double diff = (masked - small).abs().max().item<float>();
        Assert.True(diff <= 1e-5 * Math.Max(1, scale), $"max |masked − compacted| = {diff} (scale {scale})");
    }

    [Fact]
    public void AbsoluteRmsKeepsEveryHeadOfThatPatchTst()
    {
        // The same network ranked by the raw RMS (the earlier rule): the 12 smallest are all neurons, no head goes.
        torch.manual_seed(21);
        var spec = new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 16, Horizon = 2, ModelDimension = 8, NumberOfHeads = 4, FeedForwardSize = 8, NumberOfLayers = 2 };
        using var model = (PatchTstForecaster)ForecasterFactory.Create(spec);
        SetHeadsAndNeurons(model, (_, h) => 0.1f * (2 * h + 1), (_, n) => 0.001f * (2 * n + 1));
        using var pruner = new SynapticPruner(model, Constant(0.5), Structured(StructureImportance.Absolute));
        Assert.True(pruner.PruneTo(0.5));

        Assert.Equal(12, pruner.PrunedStructureCount);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(0, PrunedIn(pruner, $"encoder.{i}.heads"));
            Assert.Equal(6, PrunedIn(pruner, $"encoder.{i}.ffn"));
        }
    }

    [Fact]
    public void HandMadeStructuresArePrunedByTheirScoreRelativeToTheirGroupWithTiesByOrder()
    {
        // Structure RMS per group (each structure is one row of four equal-magnitude weights):
        //   a: 2, 4, 6            mean 4   → 0.5, 1.0, 1.5
        //   b: 0.2, 0.9, 1.0, 1.1, 1.8    mean 1 → the same values
        //   c: 0.75, 0.25          mean 0.5 → 1.5, 0.5
        // Structure order a0 a1 a2 b0 … b4 c0 c1. All of a, 0.25 and 0.75 are exact in binary, so a0 and c1 tie at 0.5.
        using var net = new RowsNet(("a", new[] { 2f, 4f, 6f }), ("b", new[] { 0.2f, 0.9f, 1.0f, 1.1f, 1.8f }), ("c", new[] { 0.75f, 0.25f }));
        using var pruner = new SynapticPruner(net, Constant(0.5), Structured(StructureImportance.GroupRelative));

        var scores = pruner.StructureScores();
        var expected = new[] { 0.5, 1.0, 1.5, 0.2, 0.9, 1.0, 1.1, 1.8, 1.5, 0.5 };
        for (int s = 0; s < expected.Length; s++) Assert.Equal(expected[s], scores[s], 6);
        Assert.Equal(0.5, scores[0]);                                   // the tie is exact
        Assert.Equal(scores[0], scores[9]);

        // 2 of 10: b0 (0.2), then the tie at 0.5 goes to a0, which comes before c1 in structure order.
        Assert.True(pruner.PruneTo(0.2));
        Assert.Equal(new[] { "a[0]", "b[0]" }, PrunedNames(pruner));

        // 5 of 10: the group means are taken again over the active structures (a: 5, b: 1.2, c: 0.5), so the scores are
        // a1 0.8, a2 1.2, b1 0.75, b2 0.83, b3 0.92, b4 1.5, c0 1.5, c1 0.5 → c1, b1, a1.
        var again = pruner.StructureScores();
        Assert.Equal(0.8, again[1], 6);
        Assert.Equal(0.9 / 1.2, again[4], 6);
        Assert.Equal(0, again[0]);                                      // pruned
        Assert.True(pruner.PruneTo(0.5));
        Assert.Equal(new[] { "a[0]", "a[1]", "b[0]", "b[1]", "c[1]" }, PrunedNames(pruner));

        // 9 of 10 asks for more than allowed: every group keeps its last (strongest) structure, so 7 go.
        pruner.PruneTo(0.9);
        Assert.Equal(7, pruner.PrunedStructureCount);
        Assert.Equal(new[] { "a[0]", "a[1]", "b[0]", "b[1]", "b[2]", "b[3]", "c[1]" }, PrunedNames(pruner));
    }

    [Fact]
    public void GroupMeansAreTakenOverTheStructuresStillActiveAtEachUpdate()
    {
        // a = 2, 4, 6 (mean 4 → 0.5, 1.0, 1.5), c = 0.9, 1.0, 1.1 (mean 1). The first update prunes a0. Then a's mean over
        // its active structures is 5, so a1 scores 0.8 and goes before c0 (0.9); with the means of the first update a1
        // would still score 1.0 and c0 would go instead.
        using var net = new RowsNet(("a", new[] { 2f, 4f, 6f }), ("c", new[] { 0.9f, 1.0f, 1.1f }));
        using var pruner = new SynapticPruner(net, Constant(0.5), Structured(StructureImportance.GroupRelative));
        Assert.True(pruner.PruneTo(1.0 / 6));
        Assert.Equal(new[] { "a[0]" }, PrunedNames(pruner));
        Assert.Equal(0.8, pruner.StructureScores()[1], 6);
        Assert.True(pruner.PruneTo(2.0 / 6));
        Assert.Equal(new[] { "a[0]", "a[1]" }, PrunedNames(pruner));
    }

    [Fact]
    public void AbsoluteRmsRanksTheSameHandMadeStructuresAcrossGroups()
    {
        using var net = new RowsNet(("a", new[] { 2f, 4f, 6f }), ("b", new[] { 0.2f, 0.9f, 1.0f, 1.1f, 1.8f }), ("c", new[] { 0.75f, 0.25f }));
        using var pruner = new SynapticPruner(net, Constant(0.5), Structured(StructureImportance.Absolute));
        Assert.Equal(pruner.StructureImportance(), pruner.StructureScores());
        Assert.True(pruner.PruneTo(0.2));
        Assert.Equal(new[] { "b[0]", "c[1]" }, PrunedNames(pruner));    // 0.2 and 0.25
        Assert.True(pruner.PruneTo(0.5));
        // Next smallest: c0 (0.75) is the last of c and stays; b1, b2, b3. Group a (RMS ≥ 2) is untouched.
        Assert.Equal(new[] { "b[0]", "b[1]", "b[2]", "b[3]", "c[1]" }, PrunedNames(pruner));
    }

    [Fact]
    public void AGroupDominatedByOneStructureLosesItsWeakOnesFirst()
    {
        // Why the mean and not the median: x = 1, 1, 1, 5 (mean 2 → 0.5, 0.5, 0.5, 2.5; median 1 → 1, 1, 1, 5) and
        // y = 0.6, 0.8, 1.0, 1.2, 1.4 (mean = median = 1). Pruning 3 of 9 takes x0, x1, x2 with the mean; the median
        // would take y0 (0.6), y1 (0.8) and x0 (the first of the ties at 1.0) and keep two of x's weak structures
        // beside the dominant one.
        using var net = new RowsNet(("x", new[] { 1f, 1f, 1f, 5f }), ("y", new[] { 0.6f, 0.8f, 1.0f, 1.2f, 1.4f }));
        using var pruner = new SynapticPruner(net, Constant(0.5), Structured(StructureImportance.GroupRelative));
        Assert.True(pruner.PruneTo(3.0 / 9));
        Assert.Equal(new[] { "x[0]", "x[1]", "x[2]" }, PrunedNames(pruner));
    }

    [Fact]
    public void GroupRelativeScoresIgnoreTheScaleOfAGroupAndAbsoluteOnesDoNot()
    {
        // Multiplying one layer's attention weights by 8 and another layer's feed-forward weights by 1/8 (powers of two:
        // exact in floating point) changes no group-relative score, so exactly the same structures are pruned; the
        // absolute ranking then prunes layer 0's (shrunken) neurons first.
        var spec = new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 16, Horizon = 2, ModelDimension = 16, NumberOfHeads = 4, FeedForwardSize = 12, NumberOfLayers = 2 };
        (string[] Names, double[] Scores) Prune(StructureImportance rule, bool rescale)
        {
            torch.manual_seed(22);
            using var model = ForecasterFactory.Create(spec);
            if (rescale)
            {
                using var noGrad = torch.no_grad();
                foreach (var (name, p) in model.named_parameters())
                {
                    if (name.StartsWith("encoder.1.self_attention.", StringComparison.Ordinal) && name.EndsWith(".weight", StringComparison.Ordinal)) p.mul_(8f);
                    if (name is "encoder.0.feed_forward_in.weight" or "encoder.0.feed_forward_out.weight") p.mul_(0.125f);
                }
            }
            using var pruner = new SynapticPruner(model, Constant(0.5), Structured(rule));
            var scores = pruner.StructureScores().ToArray();
            pruner.PruneTo(0.5);
            return (PrunedNames(pruner), scores);
        }

        var plain = Prune(StructureImportance.GroupRelative, rescale: false);
        var scaled = Prune(StructureImportance.GroupRelative, rescale: true);
        Assert.Equal(plain.Scores, scaled.Scores);                      // bit for bit
        Assert.Equal(plain.Names, scaled.Names);
        Assert.Equal(16, plain.Names.Length);

        var absolutePlain = Prune(StructureImportance.Absolute, rescale: false);
        var absoluteScaled = Prune(StructureImportance.Absolute, rescale: true);
        Assert.NotEqual(absolutePlain.Names, absoluteScaled.Names);
        Assert.Equal(11, absoluteScaled.Names.Count(n => n.StartsWith("encoder.0.ffn[", StringComparison.Ordinal)));   // all but the last
    }

    [Fact]
    public void StackedRecurrentLayersEachShrinkUnderGroupRelativeScores()
    {
        // Layer 1 of a 2-layer GRU (and the head it feeds) scaled by 1/8. The absolute RMS ranks all of layer 1 below
        // layer 0 and cuts it to its last unit — a one-unit bottleneck; relative to their own layer both lose units.
        var spec = new ForecasterSpec { Kind = ForecasterKind.Gru, HiddenSize = 16, NumberOfLayers = 2, Lookback = 6, Horizon = 2 };
        (int Layer0, int Layer1) Kept(StructureImportance rule)
        {
            torch.manual_seed(23);
            using var model = ForecasterFactory.Create(spec);
            using (torch.no_grad())
            {
                foreach (var (name, p) in model.named_parameters())
                {
                    if (name is "gru.1.weight_ih_l0" or "gru.1.weight_hh_l0" or "head.weight") p.mul_(0.125f);
                }
            }
            using var pruner = new SynapticPruner(model, Constant(0.5), Structured(rule));
            pruner.PruneTo(0.5);
            Assert.Equal(16, pruner.PrunedStructureCount);
            return (16 - PrunedIn(pruner, "gru.0"), 16 - PrunedIn(pruner, "gru.1"));
        }

        var absolute = Kept(StructureImportance.Absolute);
        Assert.Equal((15, 1), absolute);
        var relative = Kept(StructureImportance.GroupRelative);
        Assert.InRange(relative.Layer0, 4, 12);
        Assert.InRange(relative.Layer1, 4, 12);
    }

    [Theory]
    [InlineData(ForecasterKind.Lstm)]
    [InlineData(ForecasterKind.Gru)]
    [InlineData(ForecasterKind.Rnn)]
    public void OneRecurrentLayerIsOneGroupSoBothRulesPruneTheSameUnits(ForecasterKind kind)
    {
        bool[][] Flags(StructureImportance rule)
        {
            torch.manual_seed(24);
            using var model = ForecasterFactory.Create(new ForecasterSpec { Kind = kind, HiddenSize = 20, Lookback = 6, Horizon = 2 });
            using var pruner = new SynapticPruner(model, Constant(0.5), Structured(rule));
            pruner.PruneTo(0.3);
            var first = pruner.PrunedStructures.ToArray();
            pruner.PruneTo(0.65);
            return new[] { first, pruner.PrunedStructures.ToArray() };
        }

        var relative = Flags(StructureImportance.GroupRelative);
        Assert.Equal(Flags(StructureImportance.Absolute), relative);
        Assert.Equal(6, relative[0].Count(f => f));
        Assert.Equal(13, relative[1].Count(f => f));
    }

    /// <summary>
    /// Sets every weight of head h of layer i to ±head(i, h) (its query/key/value rows and output columns) and every weight
    /// of neuron n of layer i to ±neuron(i, n) (its feed-forward-in row and feed-forward-out column); signs alternate.
    /// </summary>
    private static void SetHeadsAndNeurons(PatchTstForecaster model, Func<int, int, float> head, Func<int, int, float> neuron)
    {
        var spec = model.Spec;
        int d = spec.ModelDimension, headDim = d / spec.NumberOfHeads, ff = spec.FeedForwardSize;
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        static float Sign(int k) => k % 2 == 0 ? 1f : -1f;
        using var noGrad = torch.no_grad();
        for (int i = 0; i < spec.NumberOfLayers; i++)
        {
            string a = $"encoder.{i}.self_attention.";
            foreach (var projection in new[] { "query", "key", "value" })
            {
                var w = new float[d * d];                               // (heads·headDim, d): head = row / headDim
                for (int r = 0; r < d; r++)
                    for (int c = 0; c < d; c++) w[r * d + c] = Sign(r + c) * head(i, r / headDim);
                p[a + projection + ".weight"].copy_(torch.tensor(w, new long[] { d, d }));
            }
            var o = new float[d * d];                                   // (d, heads·headDim): head = column / headDim
            for (int r = 0; r < d; r++)
                for (int c = 0; c < d; c++) o[r * d + c] = Sign(r + c) * head(i, c / headDim);
            p[a + "output.weight"].copy_(torch.tensor(o, new long[] { d, d }));

            var fIn = new float[ff * d];                                // (ff, d): neuron = row
            for (int n = 0; n < ff; n++)
                for (int c = 0; c < d; c++) fIn[n * d + c] = Sign(n + c) * neuron(i, n);
            p[$"encoder.{i}.feed_forward_in.weight"].copy_(torch.tensor(fIn, new long[] { ff, d }));
            var fOut = new float[d * ff];                               // (d, ff): neuron = column
            for (int r = 0; r < d; r++)
                for (int n = 0; n < ff; n++) fOut[r * ff + n] = Sign(r + n) * neuron(i, n);
            p[$"encoder.{i}.feed_forward_out.weight"].copy_(torch.tensor(fOut, new long[] { d, ff }));
        }
    }

    /// <summary>
    /// One linear map per group (<c>name.weight</c>, one row per structure, 4 columns); row k has four weights of
    /// magnitude rms[k] with alternating signs, so its RMS is rms[k]. Structures in group order, then row order.
    /// </summary>
    private sealed class RowsNet : nn.Module<Tensor, Tensor>, IStructuredPrunable
    {
        private readonly (string Group, int Rows)[] _groups;

        public RowsNet(params (string Group, float[] Rms)[] groups) : base("rows")
        {
            _groups = groups.Select(g => (g.Group, g.Rms.Length)).ToArray();
            foreach (var (group, rms) in groups)
            {
                var linear = nn.Linear(4, rms.Length, hasBias: false);
                using (torch.no_grad())
                {
                    var w = rms.SelectMany(v => new[] { v, -v, v, -v }).ToArray();
                    linear.weight!.copy_(torch.tensor(w, new long[] { rms.Length, 4 }));
                }
                register_module(group, linear);
            }
        }

        public IReadOnlyList<PrunableStructure> GetStructures() => _groups
            .SelectMany(g => Enumerable.Range(0, g.Rows).Select(k =>
                new PrunableStructure(StructureKind.FeedForwardNeuron, g.Group, k, new[] { new StructureSlice(g.Group + ".weight", 0, k, 1) })))
            .ToArray();

        public override Tensor forward(Tensor x) => x;
    }
}
