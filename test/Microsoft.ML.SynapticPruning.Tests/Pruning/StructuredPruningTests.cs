using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Pruning;

[Collection("Torch")]
public sealed class StructuredPruningTests
{
    private static PruningOptions Structured => new() { PruningGranularity = PruningGranularity.Structure };

    private static SparsitySchedule Constant(double s) => new CubicSparsitySchedule(s, s, 0, 1);

    private static bool[] Bools(Tensor t) => t.contiguous().data<bool>().ToArray();

    private static float[] Values(Tensor t) => t.detach().contiguous().data<float>().ToArray();

    [Fact]
    public void LstmUnitCoversItsFourGateRowsItsRecurrentColumnAndItsHeadColumn()
    {
        torch.manual_seed(3);
        const int hidden = 8, inputs = 3, horizon = 2;
        using var model = new RecurrentForecaster(new ForecasterSpec { Kind = ForecasterKind.Lstm, HiddenSize = hidden, Lookback = 5, Horizon = horizon, CovariateChannels = inputs - 1 });
        using var pruner = new SynapticPruner(model, Constant(0.5), Structured);
        Assert.Equal(hidden, pruner.Structures.Count);
        Assert.All(pruner.Structures, s => Assert.Equal(StructureKind.RecurrentUnit, s.Kind));

        Assert.True(pruner.PruneTo(1.0 / hidden));                      // exactly one unit
        int j = Assert.Single(Enumerable.Range(0, hidden), u => pruner.PrunedStructures[u]);
        var masks = pruner.ExportMasks();
        var gateRows = new[] { j, hidden + j, 2 * hidden + j, 3 * hidden + j };
        for (int r = 0; r < 4 * hidden; r++)
        {
            for (int c = 0; c < inputs; c++) Assert.Equal(!gateRows.Contains(r), masks["lstm.0.weight_ih_l0"][r * inputs + c]);
            for (int c = 0; c < hidden; c++) Assert.Equal(!gateRows.Contains(r) && c != j, masks["lstm.0.weight_hh_l0"][r * hidden + c]);
        }
        for (int h = 0; h < horizon; h++)
        {
            for (int c = 0; c < hidden; c++) Assert.Equal(c != j, masks["head.weight"][h * hidden + c]);
        }
        // 4·3 input weights + 4·8 recurrent rows + (4·8 − 4) more of the recurrent column + 2 head weights.
        Assert.Equal(12 + 32 + 28 + 2, pruner.PrunedCount);
        Assert.Equal(1.0 / hidden, pruner.StructureSparsity, 12);
    }

    [Fact]
    public void StackedUnitsUseTheNextLayersInputColumnAsConsumer()
    {
        torch.manual_seed(4);
        using var model = new RecurrentForecaster(new ForecasterSpec { Kind = ForecasterKind.Gru, HiddenSize = 4, NumberOfLayers = 2, Lookback = 5 });
        var structures = model.GetStructures();
        Assert.Equal(8, structures.Count);
        var first = structures[1];                     // layer 0, unit 1
        Assert.Equal("gru.0", first.Group);
        Assert.Contains(new StructureSlice("gru.1.weight_ih_l0", 1, 1, 1), first.Slices);
        Assert.Equal(3, first.Slices.Count(s => s.Parameter == "gru.0.weight_ih_l0" && s.Dimension == 0));
        var last = structures[6];                      // layer 1, unit 2
        Assert.Contains(new StructureSlice("head.weight", 1, 2, 1), last.Slices);
    }

    [Fact]
    public void PatchTstDeclaresHeadsAndFeedForwardNeuronsOfEveryLayer()
    {
        using var model = new PatchTstForecaster(new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 12, ModelDimension = 8, NumberOfHeads = 2, FeedForwardSize = 6, NumberOfLayers = 2 });
        var structures = model.GetStructures();
        Assert.Equal(2 * (2 + 6), structures.Count);
        var head = structures.Single(s => s.Group == "encoder.1.heads" && s.Index == 1);
        Assert.Contains(new StructureSlice("encoder.1.self_attention.query.weight", 0, 4, 4), head.Slices);
        Assert.Contains(new StructureSlice("encoder.1.self_attention.output.weight", 1, 4, 4), head.Slices);
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        Assert.All(structures.SelectMany(s => s.Slices), s => Assert.Contains(s.Parameter, names));
    }

    [Fact]
    public void ImportanceIsTheRmsSoEqualPerWeightMagnitudesScoreEquallyWhateverTheSize()
    {
        using var net = new TwoStructureNet(small: 0.5f, large: 0.5f);
        using var pruner = new SynapticPruner(net, Constant(0.5), Structured);
        var importance = pruner.StructureImportance();
        Assert.Equal(0.5, importance[0], 6);
        Assert.Equal(0.5, importance[1], 6);           // 16 weights, L2 norm 2.0 — four times the small one's, same RMS
    }

    [Fact]
    public void GlobalRankingComparesStructuresOfDifferentSizesByRms()
    {
        // Small structure: 4 weights of 0.5 (L2 1.0, RMS 0.5). Large: 16 weights of 0.4 (L2 1.6, RMS 0.4).
        // Ranking by the raw norm would prune the small one; the RMS prunes the large one.
        using var net = new TwoStructureNet(small: 0.5f, large: 0.4f);
        using var pruner = new SynapticPruner(net, Constant(0.5), Structured);
        Assert.True(pruner.PruneTo(0.5));
        Assert.Equal(new[] { false, true }, pruner.PrunedStructures.ToArray());
        Assert.All(Values(net.Large), v => Assert.Equal(0f, v));
        Assert.All(Values(net.Small), v => Assert.Equal(0.5f, Math.Abs(v)));
        Assert.Equal(16.0 / 20, pruner.GlobalSparsity, 12);
    }

    [Fact]
    public void TheLastStructureOfAGroupIsNeverPruned()
    {
        using var net = new TwoStructureNet(small: 0.5f, large: 0.4f);
        using var pruner = new SynapticPruner(net, Constant(0.99), Structured);
        pruner.PruneTo(0.99);                          // round(0.99·2) = 2, but both are in one group
        Assert.Equal(1, pruner.PrunedStructureCount);
    }

    [Fact]
    public void MasksNeverRegrowAndPrunedStructuresStayExactlyZeroThroughAdam()
    {
        torch.manual_seed(5);
        var spec = new ForecasterSpec { Kind = ForecasterKind.Lstm, HiddenSize = 12, NumberOfLayers = 2, Lookback = 6, Horizon = 2 };
        using var model = new RecurrentForecaster(spec);
        var options = new PruningOptions { PruningGranularity = PruningGranularity.Structure, PruningInterval = 2 };
        using var pruner = new SynapticPruner(model, new CubicSparsitySchedule(0.2, 0.6, 1, 4), options);
        using var adam = torch.optim.Adam(model.parameters(), lr: 0.05);
        pruner.AttachOptimizer(adam);
        using var x = torch.randn(16, 6, 1);
        using var y = torch.randn(16, 2, 1);
        var prunedBefore = new bool[pruner.Structures.Count];
        long step = 0;
        int updates = 0;
        for (int epoch = 0; epoch < 4; epoch++)
        {
            for (int k = 0; k < 8; k++)
            {
                step++;
                using var scope = torch.NewDisposeScope();
                adam.zero_grad();
                var loss = nn.functional.mse_loss(model.forward(x), y);
                loss.backward();
                if (pruner.AfterBackward(epoch, step)) updates++;
                adam.step();
                pruner.AfterOptimizerStep();
                var now = pruner.PrunedStructures.ToArray();
                for (int s = 0; s < now.Length; s++) Assert.True(now[s] || !prunedBefore[s], $"structure {s} regrew at step {step}");
                prunedBefore = now;
                foreach (var t in pruner.Tensors)
                {
                    var w = Values(t.Parameter);
                    var m = Bools(t.Mask);
                    for (int i = 0; i < w.Length; i++)
                    {
                        if (!m[i]) Assert.Equal(0f, w[i]);
                    }
                }
            }
        }
        Assert.True(updates >= 3, $"expected several mask updates, got {updates}");
        Assert.Equal((int)Math.Round(0.6 * 24, MidpointRounding.AwayFromZero), pruner.PrunedStructureCount);
        // Every pruned unit's structure is entirely zero: its recurrent rows of all four gates.
        var hh0 = Values(model.named_parameters().Single(p => p.name == "lstm.0.weight_hh_l0").parameter);
        for (int j = 0; j < 12; j++)
        {
            if (!pruner.PrunedStructures[j]) continue;
            for (int g = 0; g < 4; g++)
                for (int c = 0; c < 12; c++) Assert.Equal(0f, hh0[(g * 12 + j) * 12 + c]);
        }
    }

    [Fact]
    public void CapturedStateRestoresStructureFlags()
    {
        torch.manual_seed(6);
        using var model = new RecurrentForecaster(new ForecasterSpec { Kind = ForecasterKind.Rnn, HiddenSize = 10, Lookback = 4 });
        using var pruner = new SynapticPruner(model, Constant(0.5), Structured);
        pruner.PruneTo(0.3);
        var state = pruner.CaptureState();
        var flags = pruner.PrunedStructures.ToArray();
        pruner.PruneTo(0.6);
        Assert.Equal(6, pruner.PrunedStructureCount);
        pruner.RestoreState(state);
        Assert.Equal(flags, pruner.PrunedStructures.ToArray());
        Assert.Equal(3, pruner.PrunedStructureCount);
    }

    [Fact]
    public void DLinearRejectsStructuredGranularityWithAClearError()
    {
        using var model = ForecasterFactory.Create(new ForecasterSpec { Kind = ForecasterKind.DLinear, Lookback = 30 });
        var e = Assert.Throws<ArgumentException>(() => new SynapticPruner(model, Constant(0.5), Structured));
        Assert.Contains("PruningGranularity.Structure", e.Message);
        Assert.Contains("PruningGranularity.Weight", e.Message);
    }

    [Fact]
    public void WeightGranularityIsTheDefaultAndStillPrunesSingleWeights()
    {
        Assert.Equal(PruningGranularity.Weight, new PruningOptions().PruningGranularity);
        torch.manual_seed(7);
        using var model = new RecurrentForecaster(new ForecasterSpec { Kind = ForecasterKind.Lstm, HiddenSize = 8, Lookback = 5 });
        using var pruner = new SynapticPruner(model, Constant(0.5), new PruningOptions());
        Assert.Empty(pruner.Structures);
        pruner.PruneTo(0.5);
        Assert.Equal((long)Math.Round(0.5 * pruner.TotalPrunable, MidpointRounding.AwayFromZero), pruner.PrunedCount);
        Assert.Equal(0, pruner.StructureSparsity);
        // Unstructured: the pruned weights are scattered, not whole units (some row of every gate block survives).
        var mask = pruner.ExportMasks()["lstm.0.weight_hh_l0"];
        Assert.Contains(Enumerable.Range(0, 32), r => Enumerable.Range(0, 8).Any(c => !mask[r * 8 + c]) && Enumerable.Range(0, 8).Any(c => mask[r * 8 + c]));
    }

    /// <summary>Two structures in one group: 4 weights (<c>small.weight</c>) and 16 weights (<c>large.weight</c>), magnitudes fixed, signs alternating.</summary>
    private sealed class TwoStructureNet : nn.Module<Tensor, Tensor>, IStructuredPrunable
    {
#pragma warning disable IDE1006
        private readonly Linear small;
        private readonly Linear large;
#pragma warning restore IDE1006

        public TwoStructureNet(float small, float large) : base("two")
        {
            this.small = nn.Linear(4, 1, hasBias: false);
            this.large = nn.Linear(16, 1, hasBias: false);
            RegisterComponents();
            using var noGrad = torch.no_grad();
            this.small.weight!.copy_(torch.tensor(Enumerable.Range(0, 4).Select(i => i % 2 == 0 ? small : -small).ToArray(), new long[] { 1, 4 }));
            this.large.weight!.copy_(torch.tensor(Enumerable.Range(0, 16).Select(i => i % 3 == 0 ? -large : large).ToArray(), new long[] { 1, 16 }));
        }

        public Tensor Small => small.weight!;

        public Tensor Large => large.weight!;

        public IReadOnlyList<PrunableStructure> GetStructures() => new[]
        {
            new PrunableStructure(StructureKind.FeedForwardNeuron, "g", 0, new[] { new StructureSlice("small.weight", 0, 0, 1) }),
            new PrunableStructure(StructureKind.AttentionHead, "g", 1, new[] { new StructureSlice("large.weight", 1, 0, 16) }),
        };

        public override Tensor forward(Tensor x) => small.forward(x);
    }
}
