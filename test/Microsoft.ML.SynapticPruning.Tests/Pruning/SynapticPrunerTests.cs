using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Tests.Models;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Pruning;

[Collection("Torch")]
public class SynapticPrunerTests
{
    private static float[] Values(Tensor t) => t.detach().contiguous().data<float>().ToArray();

    private static bool[] Bools(Tensor t) => t.contiguous().data<bool>().ToArray();

    private static SparsitySchedule Constant(double s) => new CubicSparsitySchedule(s, s, 0, 1);

    [Fact]
    public void DefaultSelectionTakesMatrixWeightsOnly()
    {
        torch.manual_seed(1);
        using var net = new TwoLayerNet();
        using var pruner = new SynapticPruner(net, Constant(0.5), new PruningOptions());
        Assert.Equal(new[] { "fc1.weight", "fc2.weight" }, pruner.Tensors.Select(t => t.Name).ToArray());
        Assert.Equal(16 * 32 + 32 * 4, pruner.TotalPrunable);
    }

    [Fact]
    public void RecurrentWeightsAreSelectedAndBiasesAreNot()
    {
        torch.manual_seed(1);
        using var lstm = nn.LSTM(3, 8, numLayers: 2, batchFirst: true);
        using var pruner = new SynapticPruner(lstm, Constant(0.5), new PruningOptions());
        var names = pruner.Tensors.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "weight_hh_l0", "weight_hh_l1", "weight_ih_l0", "weight_ih_l1" }, names);
    }

    [Fact]
    public void IncludeNormGainsAddsLayerNormWeightButNotItsBias()
    {
        torch.manual_seed(1);
        using var net = new TwoLayerNet();
        using var pruner = new SynapticPruner(net, Constant(0.5), new PruningOptions { PruneNormGains = true });
        var names = pruner.Tensors.Select(t => t.Name).ToArray();
        Assert.Contains("norm.weight", names);
        Assert.DoesNotContain("norm.bias", names);
        Assert.DoesNotContain("pos_embed", names);
        Assert.Equal(3, names.Length);
    }

    [Fact]
    public void IncludeNormGainsMakesPatchTstBatchNormGainsPrunableAndPrunesThem()
    {
        torch.manual_seed(1);
        using var module = new PatchTstForecaster(ModelTestData.Small(ForecasterKind.PatchTst));
        string[] gains = { "encoder.0.attention_norm.weight", "encoder.0.feed_forward_norm.weight", "encoder.1.attention_norm.weight", "encoder.1.feed_forward_norm.weight" };
        using (var without = new SynapticPruner(module, Constant(0.5), new PruningOptions()))
            Assert.DoesNotContain(without.Tensors, t => t.Name.Contains("_norm.", StringComparison.Ordinal));

        using var pruner = new SynapticPruner(module, Constant(0.5), new PruningOptions { PruneNormGains = true });
        Assert.Equal(gains, pruner.Tensors.Select(t => t.Name).Where(n => n.Contains("_norm.", StringComparison.Ordinal)).ToArray());
        // Make the gains the smallest weights of the model: a small global target then prunes exactly them.
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (torch.no_grad())
            foreach (var name in gains) parameters[name].copy_(torch.linspace(1e-12, 2e-12, parameters[name].shape[0]));
        long gainCount = gains.Sum(n => parameters[n].numel());
        pruner.PruneTo((double)gainCount / pruner.TotalPrunable);
        Assert.Equal(gainCount, pruner.PrunedCount);
        foreach (var name in gains)
        {
            Assert.All(Values(parameters[name]), v => Assert.Equal(0f, v));
            Assert.All(pruner.ExportMasks()[name], kept => Assert.False(kept));
        }
        Assert.DoesNotContain(pruner.Tensors, t => t.Name.EndsWith("_norm.bias", StringComparison.Ordinal));
    }

    [Fact]
    public void ExplicitSelectorOverridesDefault()
    {
        torch.manual_seed(1);
        using var net = new TwoLayerNet();
        var before = Values(net.Fc1.weight!);
        var options = new PruningOptions { Selector = (name, p) => name == "fc2.weight" || name == "pos_embed", PruneNormGains = true };
        using var pruner = new SynapticPruner(net, Constant(0.5), options);
        Assert.Equal(new[] { "fc2.weight", "pos_embed" }, pruner.Tensors.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray());
        pruner.PruneTo(0.5);
        Assert.Equal(before, Values(net.Fc1.weight!));
        Assert.Equal((long)Math.Round(0.5 * (32 * 4 + 3 * 16), MidpointRounding.AwayFromZero), pruner.PrunedCount);

        Assert.Throws<ArgumentException>(() => new SynapticPruner(net, Constant(0.5), new PruningOptions { Selector = (_, _) => false }));
    }

    [Fact]
    public void EachUpdateHitsTheTargetExactlyAndPrunesTheSmallestActiveWeights()
    {
        torch.manual_seed(2);
        using var net = new TwoLayerNet(24, 40, 6);
        using var pruner = new SynapticPruner(net, Constant(0.5), new PruningOptions());
        long total = pruner.TotalPrunable;
        bool[][]? previous = null;
        foreach (double target in new[] { 0.1, 0.3, 0.3, 0.55, 0.7, 0.9 })
        {
            // Perturb the survivors so each update sees new magnitudes.
            using (torch.no_grad())
            {
                foreach (var t in pruner.Tensors) t.Parameter.add_(torch.randn_like(t.Parameter) * 0.05f);
            }
            pruner.AfterOptimizerStep();
            var activeBefore = pruner.Tensors.Select(t => Bools(t.Mask)).ToArray();
            var weights = pruner.Tensors.Select(t => Values(t.Parameter)).ToArray();
            pruner.PruneTo(target);

            long expected = (long)Math.Round(target * total, MidpointRounding.AwayFromZero);
            Assert.Equal(expected, pruner.PrunedCount);
            Assert.Equal((double)expected / total, pruner.GlobalSparsity, 12);

            float maxNewlyPruned = 0, minKept = float.PositiveInfinity;
            long counted = 0;
            for (int i = 0; i < pruner.Tensors.Count; i++)
            {
                var mask = Bools(pruner.Tensors[i].Mask);
                var w = Values(pruner.Tensors[i].Parameter);
                long prunedHere = mask.LongCount(m => !m);
                Assert.Equal(prunedHere, pruner.Tensors[i].PrunedCount);
                counted += prunedHere;
                for (int j = 0; j < mask.Length; j++)
                {
                    if (!mask[j]) Assert.Equal(0f, w[j]);
                    if (previous is not null && !previous[i][j]) Assert.False(mask[j]); // never regrows
                    if (activeBefore[i][j] && !mask[j]) maxNewlyPruned = Math.Max(maxNewlyPruned, Math.Abs(weights[i][j]));
                    if (mask[j]) minKept = Math.Min(minKept, Math.Abs(weights[i][j]));
                }
            }
            Assert.Equal(expected, counted);
            Assert.True(maxNewlyPruned <= minKept, $"pruned |w| {maxNewlyPruned} > kept |w| {minKept} at target {target}");
            previous = pruner.Tensors.Select(t => Bools(t.Mask)).ToArray();
        }
        Assert.False(pruner.PruneTo(0.2)); // lower target: nothing un-pruned
        Assert.Equal((long)Math.Round(0.9 * total, MidpointRounding.AwayFromZero), pruner.PrunedCount);
    }

    [Fact]
    public void TiesAreBrokenByPositionToHitTheExactCount()
    {
        using var linear = nn.Linear(5, 4, hasBias: false);
        using (torch.no_grad()) linear.weight!.fill_(0.25f);
        using var pruner = new SynapticPruner(linear, Constant(0.5), new PruningOptions());
        pruner.PruneTo(0.35); // round(0.35 * 20) = 7
        var mask = Bools(pruner.Tensors[0].Mask);
        Assert.Equal(7, mask.Count(m => !m));
        Assert.All(mask.Take(7), m => Assert.False(m));
        Assert.All(mask.Skip(7), m => Assert.True(m));
    }

    [Fact]
    public void SmallUpdatesBreakTiesByPositionToo()
    {
        // 4,096 weights, need = round(0.01 · 4096) = 41 < 4096/64: the partial top-k path. Half the weights are 0.5, the
        // other half (odd positions) tie at 0.25: the 41 smallest are the first 41 odd positions.
        using var linear = nn.Linear(64, 64, hasBias: false);
        using (torch.no_grad())
        {
            var values = Enumerable.Range(0, 4096).Select(i => i % 2 == 1 ? 0.25f : 0.5f).ToArray();
            using var source = torch.tensor(values, new long[] { 64, 64 });
            linear.weight!.copy_(source);
        }
        using var pruner = new SynapticPruner(linear, Constant(0.5), new PruningOptions());
        pruner.PruneTo(0.01);
        var mask = Bools(pruner.Tensors[0].Mask);
        var pruned = Enumerable.Range(0, mask.Length).Where(i => !mask[i]).ToArray();
        Assert.Equal(Enumerable.Range(0, 41).Select(k => 2 * k + 1), pruned);
        Assert.Equal(41, pruner.PrunedCount);
    }

    [Fact]
    public void GlobalRankingPrunesTheUniformlySmallerLayerMore()
    {
        torch.manual_seed(3);
        using var net = new TwoLayerNet(20, 20, 20);
        using (torch.no_grad())
        {
            net.Fc1.weight!.uniform_(-1, 1);
            net.Fc2.weight!.uniform_(-1, 1).mul_(0.1f);
        }
        using var pruner = new SynapticPruner(net, Constant(0.5), new PruningOptions());
        pruner.PruneTo(0.5);
        var per = pruner.PerTensorSparsity();
        Assert.Equal("fc1.weight", per[0].Name);
        Assert.True(per[1].Sparsity > 0.8, $"scaled layer sparsity {per[1].Sparsity}");
        Assert.True(per[0].Sparsity < 0.2, $"large layer sparsity {per[0].Sparsity}");
        Assert.Equal(400, per[0].Pruned + per[1].Pruned);
    }

    [Fact]
    public void BiasesAreNeverPruned()
    {
        torch.manual_seed(4);
        using var net = new TwoLayerNet();
        using (torch.no_grad()) net.Fc1.bias!.uniform_(-1e-6, 1e-6); // tiny biases would be pruned first if selected
        var bias = Values(net.Fc1.bias!);
        using var pruner = new SynapticPruner(net, Constant(0.9), new PruningOptions());
        pruner.PruneTo(0.9);
        Assert.Equal(bias, Values(net.Fc1.bias!));
        Assert.DoesNotContain(0f, Values(net.Fc1.bias!));
    }

    private static (TwoLayerNet Net, Adam Adam, SynapticPruner Pruner) TrainSetup(bool zeroState, long seed = 5)
    {
        torch.manual_seed(seed);
        var net = new TwoLayerNet(8, 16, 2);
        var adam = optim.Adam(net.parameters(), lr: 0.01, beta1: 0.9, beta2: 0.999);
        var pruner = new SynapticPruner(net, new CubicSparsitySchedule(0.5, 0.5, 0, 1),
            new PruningOptions { PruningInterval = 5, ZeroPrunedGradientsAndOptimizerState = zeroState });
        pruner.AttachOptimizer(adam);
        return (net, adam, pruner);
    }

    private static void Step(TwoLayerNet net, Adam adam, SynapticPruner pruner, long step, Tensor x, Tensor y, bool afterStep = true)
    {
        using var scope = torch.NewDisposeScope();
        adam.zero_grad();
        var loss = nn.functional.mse_loss(net.forward(x), y);
        loss.backward();
        pruner.AfterBackward(0, step);
        if (!afterStep) return;
        adam.step();
        pruner.AfterOptimizerStep();
    }

    [Fact]
    public void PrunedWeightsStayExactlyZeroWithZeroGradientsAndAdamMoments()
    {
        var (net, adam, pruner) = TrainSetup(zeroState: true);
        using var _n = net; using var _a = adam; using var _p = pruner;
        torch.manual_seed(6);
        using var x = torch.randn(32, 8);
        using var y = torch.randn(32, 2);
        for (long step = 1; step <= 4; step++) Step(net, adam, pruner, step, x, y);
        Assert.Equal(0, pruner.PrunedCount); // counter not at 5 yet
        for (long step = 5; step <= 55; step++) Step(net, adam, pruner, step, x, y);
        Assert.Equal((long)Math.Round(0.5 * pruner.TotalPrunable, MidpointRounding.AwayFromZero), pruner.PrunedCount);

        Step(net, adam, pruner, 56, x, y, afterStep: false); // gradients as the optimizer would see them
        var states = adam.state_dict().State;
        var parameters = adam.parameters().ToList();
        foreach (var t in pruner.Tensors)
        {
            var mask = Bools(t.Mask);
            var w = Values(t.Parameter);
            var g = Values(t.Parameter.grad!);
            var state = (Adam.State)states[parameters.FindIndex(p => p.Handle == t.Parameter.Handle)];
            var m = Values(state.exp_avg);
            var v = Values(state.exp_avg_sq);
            for (int j = 0; j < mask.Length; j++)
            {
                if (mask[j]) continue;
                Assert.Equal(0, BitConverter.SingleToInt32Bits(w[j])); // +0, not −0
                Assert.Equal(0f, g[j]);
                Assert.Equal(0f, m[j]);
                Assert.Equal(0f, v[j]);
            }
            // Surviving weights still learn.
            Assert.Contains(g.Where((_, j) => mask[j]), value => value != 0);
        }
    }

    [Fact]
    public void WithGradientMaskingOffGradientsOfPrunedWeightsAreNonzeroButWeightsStayZero()
    {
        var (net, adam, pruner) = TrainSetup(zeroState: false);
        using var _n = net; using var _a = adam; using var _p = pruner;
        torch.manual_seed(6);
        using var x = torch.randn(32, 8);
        using var y = torch.randn(32, 2);
        for (long step = 1; step <= 30; step++) Step(net, adam, pruner, step, x, y);
        Step(net, adam, pruner, 31, x, y, afterStep: false);
        var t = pruner.Tensors[0];
        var mask = Bools(t.Mask);
        var g = Values(t.Parameter.grad!);
        Assert.Contains(g.Where((_, j) => !mask[j]), value => value != 0);
        adam.step();
        pruner.AfterOptimizerStep();
        var w = Values(t.Parameter);
        Assert.All(w.Where((_, j) => !mask[j]), value => Assert.Equal(0f, value));
    }

    [Fact]
    public void UpdateCounterIsGlobalAcrossEpochs()
    {
        // 4 batches per epoch, interval 5: a counter reset at epoch boundaries would never reach 5.
        torch.manual_seed(7);
        using var net = new TwoLayerNet(8, 16, 2);
        using var adam = optim.Adam(net.parameters(), lr: 0.01, beta1: 0.9, beta2: 0.999);
        using var pruner = new SynapticPruner(net, new CubicSparsitySchedule(0.3, 0.6, 1, 4), new PruningOptions { PruningInterval = 5 });
        pruner.AttachOptimizer(adam);
        using var x = torch.randn(8, 8);
        using var y = torch.randn(8, 2);
        long global = 0;
        var changedAt = new List<long>();
        for (int epoch = 0; epoch < 4; epoch++)
        {
            for (int batch = 0; batch < 4; batch++)
            {
                global++;
                using var scope = torch.NewDisposeScope();
                adam.zero_grad();
                nn.functional.mse_loss(net.forward(x), y).backward();
                if (pruner.AfterBackward(epoch, global)) changedAt.Add(global);
                adam.step();
                pruner.AfterOptimizerStep();
            }
        }
        // Steps 5 (epoch 1), 10 (epoch 2) and 15 (epoch 3) are update steps; each raises the target.
        Assert.Equal(new long[] { 5, 10, 15 }, changedAt);
        Assert.Equal(3, pruner.History.Count);
        Assert.Equal(1, pruner.History[0].Epoch);
        Assert.Equal(0.3, pruner.History[0].TargetSparsity, 12);
        Assert.Equal(0.6, pruner.History[^1].TargetSparsity, 12);
        Assert.Equal((long)Math.Round(0.6 * pruner.TotalPrunable, MidpointRounding.AwayFromZero), pruner.PrunedCount);
    }

    [Fact]
    public void CaptureAndRestoreBringBackMasksAndTruncateHistory()
    {
        torch.manual_seed(8);
        using var net = new TwoLayerNet();
        using var pruner = new SynapticPruner(net, Constant(0.5), new PruningOptions());
        pruner.PruneTo(0.3);
        var state = pruner.CaptureState();
        var masks = pruner.Tensors.Select(t => Bools(t.Mask)).ToArray();
        pruner.PruneTo(0.6);
        Assert.Equal(2, pruner.History.Count);
        pruner.RestoreState(state);
        Assert.Single(pruner.History);
        Assert.Equal((long)Math.Round(0.3 * pruner.TotalPrunable, MidpointRounding.AwayFromZero), pruner.PrunedCount);
        for (int i = 0; i < masks.Length; i++)
        {
            Assert.Equal(masks[i], Bools(pruner.Tensors[i].Mask));
            Assert.Equal(masks[i].LongCount(m => !m), pruner.Tensors[i].PrunedCount);
        }
    }

    [Fact]
    public void ExportImportRoundTrip()
    {
        torch.manual_seed(9);
        using var source = new TwoLayerNet();
        using var sourcePruner = new SynapticPruner(source, Constant(0.5), new PruningOptions());
        sourcePruner.PruneTo(0.6);
        var exported = sourcePruner.ExportMasks();

        torch.manual_seed(10);
        using var target = new TwoLayerNet();
        using var targetPruner = new SynapticPruner(target, Constant(0.5), new PruningOptions());
        targetPruner.ImportMasks(exported);
        Assert.Equal(sourcePruner.PrunedCount, targetPruner.PrunedCount);
        foreach (var t in targetPruner.Tensors)
        {
            var mask = Bools(t.Mask);
            Assert.Equal(exported[t.Name], mask);
            var w = Values(t.Parameter);
            for (int j = 0; j < mask.Length; j++) if (!mask[j]) Assert.Equal(0f, w[j]);
        }
        Assert.Equal(exported["fc2.weight"], targetPruner.ExportMasks()["fc2.weight"]);
    }

    [Fact]
    public void ImportRejectsMismatchedMasksWithNames()
    {
        torch.manual_seed(11);
        using var net = new TwoLayerNet();
        using var pruner = new SynapticPruner(net, Constant(0.5), new PruningOptions());
        var good = pruner.ExportMasks();

        var wrongLength = good.ToDictionary(kv => kv.Key, kv => kv.Value);
        wrongLength["fc2.weight"] = new bool[3];
        Assert.Contains("fc2.weight", Assert.Throws<ArgumentException>(() => pruner.ImportMasks(wrongLength)).Message);

        var missing = good.Where(kv => kv.Key != "fc1.weight").ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Contains("fc1.weight", Assert.Throws<ArgumentException>(() => pruner.ImportMasks(missing)).Message);

        var unknown = good.ToDictionary(kv => kv.Key, kv => kv.Value);
        unknown["head.weight"] = new bool[4];
        Assert.Contains("head.weight", Assert.Throws<ArgumentException>(() => pruner.ImportMasks(unknown)).Message);
        Assert.Equal(0, pruner.PrunedCount);
    }

    [Fact]
    public void PruneToValidatesSparsity()
    {
        using var net = new TwoLayerNet();
        using var pruner = new SynapticPruner(net, Constant(0.5), new PruningOptions());
        Assert.Throws<ArgumentOutOfRangeException>(() => pruner.PruneTo(1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => pruner.PruneTo(-0.1));
        pruner.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pruner.PruneTo(0.1));
    }

    private sealed class LinearRamp(double perStep, double final) : SparsitySchedule
    {
        public override double FinalSparsity => final;

        public override double TargetSparsity(int epoch, long step) => Math.Min(final, perStep * Math.Max(0, step));
    }

    private static int[] Bits(Tensor t) => Values(t).Select(BitConverter.SingleToInt32Bits).ToArray();

    [Theory]
    [InlineData(false, true, 1)]
    [InlineData(true, true, 1)]
    [InlineData(false, true, 5)]
    [InlineData(false, false, 1)]
    public void HostAndTensorMaskUpdatesLeaveBitIdenticalWeightsMasksAndMoments(bool adamW, bool zeroState, int interval)
    {
        // Small updates run on the host, large ones (and HostUpdates = false) with tensor operations; both must give the
        // same bits, including ties, a kept −0 (becomes +0 when its tensor loses weights) and a pruned weight edited to a
        // non-zero value between steps (back to +0).
        (TwoLayerNet Net, OptimizerHelper Optimizer, SynapticPruner Pruner) Make(bool host)
        {
            torch.manual_seed(11);
            var net = new TwoLayerNet(32, 64, 8);
            OptimizerHelper optimizer = adamW
                ? (OptimizerHelper)optim.AdamW(net.parameters(), lr: 0.01, amsgrad: true)
                : optim.Adam(net.parameters(), lr: 0.01);
            var pruner = new SynapticPruner(net, new LinearRamp(0.0025, 0.8),
                new PruningOptions { PruningInterval = interval, ZeroPrunedGradientsAndOptimizerState = zeroState }) { HostUpdates = host };
            pruner.AttachOptimizer(optimizer);
            return (net, optimizer, pruner);
        }

        var a = Make(host: true);
        var b = Make(host: false);
        using var _an = a.Net; using var _ao = a.Optimizer; using var _ap = a.Pruner;
        using var _bn = b.Net; using var _bo = b.Optimizer; using var _bp = b.Pruner;
        Assert.True(0.0025 * interval * a.Pruner.TotalPrunable <= a.Pruner.TotalPrunable / 64); // ramp updates take the host path
        torch.manual_seed(12);
        using var x = torch.randn(64, 32);
        using var y = torch.randn(64, 8);
        foreach (var (net, _, pruner) in new[] { a, b })
        {
            using (torch.no_grad()) net.Fc2.weight!.narrow(0, 0, 2).fill_(0.003f); // ties at small magnitudes
        }
        var afterUpdate = new List<int[][]>();
        int negativeZero = -1;
        for (long step = 1; step <= 200; step++)
        {
            if (step == 40) a.Pruner.PruneTo(0.3); // a large one-shot update: the tensor path in both
            if (step == 40) b.Pruner.PruneTo(0.3);
            foreach (var (net, optimizer, pruner) in new[] { a, b })
            {
                using var scope = torch.NewDisposeScope();
                if (step == 160) // an update step: the kept −0 and the edited pruned weight meet the next update
                {
                    using (torch.no_grad())
                    {
                        // 40 kept +0 weights (≥ any need here) take this update, so the kept −0 after them survives it in a tensor that
                        // loses weights; the first pruned weight is edited to 0.5.
                        var w = net.Fc1.weight!.view(-1);
                        var mask = Bools(pruner.Tensors[0].Mask);
                        var kept = Enumerable.Range(0, mask.Length).Where(j => mask[j]).ToArray();
                        foreach (int j in kept.Take(40)) w[j] = torch.tensor(0f);
                        w[kept[40]] = torch.tensor(-0f);
                        negativeZero = kept[40];
                        w[Array.IndexOf(mask, false)] = torch.tensor(0.5f);
                    }
                }
                optimizer.zero_grad();
                var loss = nn.functional.mse_loss(net.forward(x), y);
                loss.backward();
                pruner.AfterBackward(0, step);
                if (step == 160) afterUpdate.Add(pruner.Tensors.Select(t => Bits(t.Parameter)).ToArray());
                optimizer.step();
                pruner.AfterOptimizerStep();
            }
            if (step == 160)
            {
                Assert.True(Bools(a.Pruner.Tensors[0].Mask)[negativeZero]);           // kept through the update …
                Assert.Equal(0, afterUpdate[0][0][negativeZero]);                      // … and +0, as w × 1 + 0 makes it
                for (int i = 0; i < afterUpdate[0].Length; i++) Assert.Equal(afterUpdate[1][i], afterUpdate[0][i]);
            }
            Assert.Equal(a.Pruner.PrunedCount, b.Pruner.PrunedCount);
            var pa = a.Net.parameters().ToList();
            var pb = b.Net.parameters().ToList();
            for (int i = 0; i < pa.Count; i++) Assert.Equal(Bits(pb[i]), Bits(pa[i]));
            for (int i = 0; i < a.Pruner.Tensors.Count; i++)
            {
                Assert.Equal(Bools(b.Pruner.Tensors[i].Mask), Bools(a.Pruner.Tensors[i].Mask));
                Assert.Equal(b.Pruner.Tensors[i].PrunedCount, a.Pruner.Tensors[i].PrunedCount);
            }
            var sa = a.Optimizer.state_dict().State;
            var sb = b.Optimizer.state_dict().State;
            for (int i = 0; i < sa.Count; i++)
            {
                foreach (var (ma, mb) in Moments(sa[i]).Zip(Moments(sb[i])))
                    Assert.Equal(Bits(mb), Bits(ma));
            }
        }
        Assert.True(a.Pruner.GlobalSparsity > 0.45, $"sparsity {a.Pruner.GlobalSparsity}");
        Assert.Equal(b.Pruner.History.Select(h => (h.Step, h.GlobalSparsity)), a.Pruner.History.Select(h => (h.Step, h.GlobalSparsity)));
    }

    private static IEnumerable<Tensor> Moments(object state) => state switch
    {
        Adam.State s => new[] { s.exp_avg, s.exp_avg_sq, s.max_exp_avg_sq }.OfType<Tensor>(),
        AdamW.State s => new[] { s.exp_avg, s.exp_avg_sq, s.max_exp_avg_sq }.OfType<Tensor>(),
        _ => Array.Empty<Tensor>(),
    };

    [Fact]
    public void MomentsOfPrunedWeightsAreZeroRightAfterAnUpdateOnTheHostPath()
    {
        // Adam has run, so every moment is non-zero; an update on the host path zeroes exactly the newly pruned entries'.
        var (net, adam, pruner) = TrainSetup(zeroState: true);
        using var _n = net; using var _a = adam; using var _p = pruner;
        torch.manual_seed(6);
        using var x = torch.randn(32, 8);
        using var y = torch.randn(32, 2);
        for (long step = 1; step <= 3; step++) Step(net, adam, pruner, step, x, y);
        var states = adam.state_dict().State;
        var parameters = adam.parameters().ToList();
        Adam.State StateOf(PrunableTensor t) => (Adam.State)states[parameters.FindIndex(p => p.Handle == t.Parameter.Handle)];
        var before = pruner.Tensors.Select(t => (Mask: Bools(t.Mask), M: Bits(StateOf(t).exp_avg), V: Bits(StateOf(t).exp_avg_sq))).ToArray();
        Assert.True(pruner.PruneTo(2.0 / pruner.TotalPrunable)); // need 2 ≤ total / 64: the host path
        Assert.Equal(2, pruner.PrunedCount);
        int newlyPruned = 0, hadMoments = 0;
        for (int i = 0; i < pruner.Tensors.Count; i++)
        {
            var t = pruner.Tensors[i];
            var mask = Bools(t.Mask);
            var m = Bits(StateOf(t).exp_avg);
            var v = Bits(StateOf(t).exp_avg_sq);
            var w = Bits(t.Parameter);
            for (int j = 0; j < mask.Length; j++)
            {
                if (mask[j])
                {
                    Assert.Equal(before[i].M[j], m[j]); // kept entries untouched
                    Assert.Equal(before[i].V[j], v[j]);
                    continue;
                }
                Assert.True(before[i].Mask[j]);
                newlyPruned++;
                if (before[i].V[j] != 0) hadMoments++;
                Assert.Equal(0, w[j]);                          // +0
                Assert.Equal(0f, BitConverter.Int32BitsToSingle(m[j]));
                Assert.Equal(0, v[j]);
            }
        }
        Assert.Equal(2, newlyPruned);
        Assert.True(hadMoments > 0, "the newly pruned weights had no moments to zero");
    }
}
