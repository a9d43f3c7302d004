using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning.Compaction;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Tests.MLNet;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Compaction;

[Collection("Torch")]
public sealed class StructuredCompactionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sp-structured-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SparsitySchedule Constant(double s) => new CubicSparsitySchedule(s, s, 0, 1);

    private static double MaxAbsDifference(ForecastingNetwork a, ForecastingNetwork b, Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var ya = a.Forward(x, ForwardContext.Inference);
        var yb = b.Forward(x, ForwardContext.Inference);
        Assert.Equal(ya.shape, yb.shape);
        return (ya - yb).abs().max().item<float>();
    }

    [Theory]
    [InlineData(ForecasterKind.Lstm, 1)]
    [InlineData(ForecasterKind.Lstm, 2)]
    [InlineData(ForecasterKind.Gru, 1)]
    [InlineData(ForecasterKind.Gru, 2)]
    [InlineData(ForecasterKind.Rnn, 1)]
    [InlineData(ForecasterKind.Rnn, 2)]
    public void CompactedRecurrentModelForecastsLikeTheMaskedOne(ForecasterKind kind, int layers)
    {
        torch.manual_seed(11);
        var spec = new ForecasterSpec { Kind = kind, HiddenSize = 16, NumberOfLayers = layers, Lookback = 9, Horizon = 3, CovariateChannels = 1 };
        using var model = (RecurrentForecaster)ForecasterFactory.Create(spec);
        model.eval();
        using var pruner = new SynapticPruner(model, Constant(0.5), new PruningOptions { PruningGranularity = PruningGranularity.Structure });
        pruner.PruneTo(0.5);
        var perLayer = Enumerable.Range(0, layers).Select(i => 16 - pruner.Structures.Where((s, k) => s.Group.EndsWith("." + i) && pruner.PrunedStructures[k]).Count()).ToArray();
        Assert.Equal(8 * layers, perLayer.Sum());

        using var compacted = StructuredCompaction.Compact(model, pruner.ExportMasks());
        Assert.Equal(perLayer, compacted.Spec.LayerHiddenSizes);
        var head = compacted.named_parameters().Single(p => p.name == "head.weight").parameter;
        Assert.Equal(new long[] { 3, perLayer[^1] }, head.shape);
        long gates = kind switch { ForecasterKind.Lstm => 4, ForecasterKind.Gru => 3, _ => 1 };
        var hh0 = compacted.named_parameters().Single(p => p.name.EndsWith("0.weight_hh_l0")).parameter;
        Assert.Equal(new[] { gates * perLayer[0], perLayer[0] }, hh0.shape);
        Assert.True(compacted.parameters().Sum(p => p.numel()) < model.parameters().Sum(p => p.numel()));

        using var x = torch.randn(32, 9, 2);
        double diff = MaxAbsDifference(model, compacted, x);
        Assert.True(diff <= 1e-5, $"max |masked − compacted| = {diff}");
    }

    [Fact]
    public void CompactedPatchTstWithDifferentHeadsPerLayerForecastsLikeTheMaskedOne()
    {
        torch.manual_seed(12);
        const int dModel = 16, heads = 4, ff = 12, headDim = dModel / heads;
        var spec = new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 24, Horizon = 4, TargetChannels = 2, ModelDimension = dModel, NumberOfHeads = heads, FeedForwardSize = ff, NumberOfLayers = 3 };
        using var model = (PatchTstForecaster)ForecasterFactory.Create(spec);
        // Give BatchNorm non-trivial running statistics.
        using (var generator = new Generator(1, torch.CPU))
        using (torch.no_grad())
        using (var warm = torch.randn(64, 24, 2) * 3 + 1)
        {
            model.train();
            model.Forward(warm, ForwardContext.ForTraining(generator)).Dispose();
        }
        model.eval();

        // Layer 0 drops head 1, layer 1 drops heads 0 and 2, layer 2 drops heads 2 and 3: slot 0 skips layer 1 and is
        // used again in layer 2, slot 1 is absent in layer 0 and used in layers 1 and 2.
        var droppedHeads = new[] { new[] { 1 }, new[] { 0, 2 }, new[] { 2, 3 } };
        var droppedNeurons = new[] { new[] { 0, 5, 11 }, new[] { 3 }, new[] { 1, 2, 3, 4, 5, 6 } };
        using var pruner = new SynapticPruner(model, Constant(0.5), new PruningOptions { PruningGranularity = PruningGranularity.Structure });
        var masks = pruner.ExportMasks().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        for (int layer = 0; layer < 3; layer++)
        {
            string a = $"encoder.{layer}.self_attention.";
            foreach (int h in droppedHeads[layer])
            {
                for (int r = h * headDim; r < (h + 1) * headDim; r++)
                {
                    for (int c = 0; c < dModel; c++)
                    {
                        masks[a + "query.weight"][r * dModel + c] = false;
                        masks[a + "key.weight"][r * dModel + c] = false;
                        masks[a + "value.weight"][r * dModel + c] = false;
                        masks[a + "output.weight"][c * dModel + r] = false;
                    }
                }
            }
            foreach (int n in droppedNeurons[layer])
            {
                for (int c = 0; c < dModel; c++)
                {
                    masks[$"encoder.{layer}.feed_forward_in.weight"][n * dModel + c] = false;
                    masks[$"encoder.{layer}.feed_forward_out.weight"][c * ff + n] = false;
                }
            }
        }
        pruner.ImportMasks(masks);
        Assert.Equal(droppedHeads.Sum(d => d.Length) + droppedNeurons.Sum(d => d.Length), pruner.PrunedStructureCount);

        using var compacted = StructuredCompaction.Compact(model, pruner.ExportMasks());
        Assert.Equal(new[] { new[] { 0, 2, 3 }, new[] { 1, 3 }, new[] { 0, 1 } }, compacted.Spec.LayerHeadSlots);
        Assert.Equal(new[] { 9, 11, 6 }, compacted.Spec.LayerFeedForward);
        var query1 = compacted.named_parameters().Single(p => p.name == "encoder.1.self_attention.query.weight").parameter;
        Assert.Equal(new long[] { 2 * headDim, dModel }, query1.shape);

        using var x = torch.randn(8, 24, 2) * 2;
        double diff = MaxAbsDifference(model, compacted, x);
        Assert.True(diff <= 1e-5, $"max |masked − compacted| = {diff}");
    }

    [Fact]
    public void PatchTstPrunedByTheScheduleCompactsExactly()
    {
        torch.manual_seed(13);
        var spec = new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 16, Horizon = 2, ModelDimension = 16, NumberOfHeads = 4, FeedForwardSize = 32, NumberOfLayers = 2 };
        using var model = ForecasterFactory.Create(spec);
        model.eval();
        using var pruner = new SynapticPruner(model, Constant(0.5), new PruningOptions { PruningGranularity = PruningGranularity.Structure });
        pruner.PruneTo(0.5);
        using var compacted = StructuredCompaction.Compact(model, pruner.ExportMasks());
        int keptStructures = pruner.Structures.Count - pruner.PrunedStructureCount;
        int compactedStructures = ((IStructuredPrunable)compacted).GetStructures().Count;
        Assert.Equal(keptStructures, compactedStructures);
        using var x = torch.randn(8, 16, 1);
        Assert.True(MaxAbsDifference(model, compacted, x) <= 1e-5);
    }

    [Fact]
    public void CompactionRejectsDLinear()
    {
        using var model = ForecasterFactory.Create(new ForecasterSpec { Kind = ForecasterKind.DLinear, Lookback = 30 });
        var e = Assert.Throws<ArgumentException>(() => StructuredCompaction.Compact(model, new Dictionary<string, bool[]>()));
        Assert.Contains("DLinear", e.Message);
    }

    [Fact]
    public void EstimatorCompactsAfterFitAndForecastsLikeTheMaskedModel()
    {
        var ml = new MLContext(seed: 2);
        var data = ForecastingTestData.LoadBitcoin(ml);
        var train = ml.Data.TakeRows(data, 292);
        PrunedLstmOptions Options(bool compact) => new()
        {
            LabelColumnName = nameof(BtcRow.Close), Lookback = 14, Horizon = 3, MaxEpochs = 3, HiddenSize = 16, WarmupEpochs = 1,
            InitialSparsity = 0.5, FinalSparsity = 0.5, Normalization = InstanceNormalization.WindowLast, Confidence = null, Seed = 4,
            PruningGranularity = PruningGranularity.Structure, CompactAfterTraining = compact,
        };
        var masked = ml.Forecasting.PrunedLstm(Options(false)).Fit(train);
        var compacted = ml.Forecasting.PrunedLstm(Options(true)).Fit(train);
        Assert.Null(masked.Spec.LayerHiddenSizes);
        Assert.Equal(new[] { 8 }, compacted.Spec.LayerHiddenSizes);
        Assert.Equal(masked.GlobalSparsity, compacted.GlobalSparsity);

        var a = ForecastingTestData.ReadVectors(masked.Transform(data), "Forecast");
        var b = ForecastingTestData.ReadVectors(compacted.Transform(data), "Forecast");
        double scale = 0;
        for (int i = 13; i < a.Length; i++)
        {
            for (int h = 0; h < 3; h++)
            {
                // Forecasts are in dollars: compare relative to the level (1e-5 of the scaled output ≈ 1e-5 · std).
                Assert.True(Math.Abs(a[i][h] - b[i][h]) <= 1e-5 * Math.Max(1, Math.Abs(a[i][h])), $"row {i} step {h}: {a[i][h]} vs {b[i][h]}");
                scale = Math.Max(scale, Math.Abs(a[i][h]));
            }
        }
        Assert.True(scale > 0);
    }

    [Theory]
    [InlineData(ForecasterKind.Lstm)]
    [InlineData(ForecasterKind.Gru)]
    [InlineData(ForecasterKind.PatchTst)]
    public void CompactedModelsRoundTripThroughTheMlNetZip(ForecasterKind kind)
    {
        var ml = new MLContext(seed: 5);
        var data = ForecastingTestData.LoadBitcoin(ml);
        bool patchTst = kind == ForecasterKind.PatchTst;
        IEstimator<PrunedForecastingTransformer> estimator = patchTst
            ? ml.Forecasting.PrunedPatchTst(new PrunedPatchTstOptions
            {
                LabelColumnName = nameof(BtcRow.Close), Lookback = 14, Horizon = 2, MaxEpochs = 2, WarmupEpochs = 1, ModelDimension = 16,
                NumberOfHeads = 4, FeedForwardSize = 16, InitialSparsity = 0.5, FinalSparsity = 0.5, PruningGranularity = PruningGranularity.Structure,
            })
            : kind == ForecasterKind.Gru
            ? ml.Forecasting.PrunedGru(new PrunedGruOptions
            {
                LabelColumnName = nameof(BtcRow.Close), Lookback = 10, Horizon = 2, MaxEpochs = 2, WarmupEpochs = 1, HiddenSize = 12, NumberOfLayers = 2,
                InitialSparsity = 0.5, FinalSparsity = 0.5, PruningGranularity = PruningGranularity.Structure,
            })
            : ml.Forecasting.PrunedLstm(new PrunedLstmOptions
            {
                LabelColumnName = nameof(BtcRow.Close), Lookback = 10, Horizon = 2, MaxEpochs = 2, WarmupEpochs = 1, HiddenSize = 12, NumberOfLayers = 2,
                InitialSparsity = 0.5, FinalSparsity = 0.5, PruningGranularity = PruningGranularity.Structure,
            });
        var model = estimator.Fit(ml.Data.TakeRows(data, 300));
        if (patchTst) Assert.Equal(2 * (4 + 16) / 2, Enumerable.Range(0, 2).Sum(i => model.Spec.HeadSlotsOf(i).Length + model.Spec.FeedForwardOf(i)));
        else Assert.Equal(12, model.Spec.LayerHiddenSizes!.Sum());
        var expected = ForecastingTestData.ReadVectors(model.Transform(data), "Forecast");

        string path = Path.Combine(_dir, "model.zip");
        ml.Model.Save(model, data.Schema, path);
        var fresh = new MLContext();
        var loaded = Assert.IsType<PrunedForecastingTransformer>(fresh.Model.Load(path, out _));
        Assert.Equal(model.Spec.LayerHiddenSizes, loaded.Spec.LayerHiddenSizes);
        Assert.Equal(model.Spec.LayerFeedForward, loaded.Spec.LayerFeedForward);
        Assert.Equal(model.Spec.LayerHeadSlots, loaded.Spec.LayerHeadSlots);
        var actual = ForecastingTestData.ReadVectors(loaded.Transform(data), "Forecast");
        Assert.True(ForecastingTestData.BitIdentical(expected, actual));
    }

    [Fact]
    public void EstimatorRejectsStructuredDLinear()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.PrunedDLinear(new PrunedDLinearOptions
        {
            Regularization = Regularization.SynapticPruning,
            PruningGranularity = PruningGranularity.Structure,
        }));
        Assert.Contains("DLinear", e.Message);
    }
}
