using Microsoft.ML.SynapticPruning.Sweeps;
using Xunit;
using FS = Microsoft.ML.SynapticPruning.ForecastingSearchSpace;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

public class SearchSpaceTests
{
    private static List<Configuration> Draw(SweepSearchSpace space, int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => space.Sample(random)).ToList();
    }

    private static double Median(IEnumerable<double> values)
    {
        var s = values.OrderBy(v => v).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    [Fact]
    public void DefaultSpace_SamplesStayInRangesAndAreValid()
    {
        var space = FS.Default;
        foreach (var c in Draw(space, 2000, 1))
        {
            space.Validate(c);
            Assert.Contains(c.GetString(FS.Model), FS.Models);
            if (FS.TreeModels.Contains(c.GetString(FS.Model)))
            {
                Assert.InRange(c.GetInt(FS.Lookback), 7, 96);
                Assert.InRange(c.GetInt(FS.Trees), 20, 300);
                Assert.InRange(c.GetInt(FS.Leaves), 4, 64);
                Assert.InRange(c.GetDouble(FS.TreeLearningRate), 0.02, 0.3);
                continue;
            }
            if (FS.BaselineModels.Contains(c.GetString(FS.Model)))
            {
                Assert.Equal(new[] { FS.Model }, c.Keys);
                continue;
            }
            double lr = c.GetDouble(FS.LearningRate);
            Assert.InRange(lr, 1e-4, 1e-2);
            Assert.InRange(c.GetInt(FS.Lookback), 7, 96);
            Assert.Contains(c.GetInt(FS.BatchSize), new[] { 32, 64, 128 });
            if (c.Contains(FS.Dropout))
                Assert.InRange(c.GetDouble(FS.Dropout), 0.05, 0.5);
            if (c.Contains(FS.PruningInterval))
                Assert.InRange(c.GetInt(FS.PruningInterval), 1, 20);
            if (c.Contains(FS.PruningWarmupEpochs))
                Assert.InRange(c.GetInt(FS.PruningWarmupEpochs), 0, 5);
        }
    }

    [Fact]
    public void ConditionalParameters_PresentExactlyWhenActive()
    {
        var recurrent = new[] { "rnn", "lstm", "gru" };
        var configs = Draw(FS.Default, 1500, 2);
        foreach (var c in configs)
        {
            string model = c.GetString(FS.Model);
            bool network = FS.NetworkModels.Contains(model), tree = FS.TreeModels.Contains(model);
            Assert.Equal(network, c.Contains(FS.Regularization));
            Assert.Equal(network, c.Contains(FS.LearningRate));
            Assert.Equal(network, c.Contains(FS.BatchSize));
            Assert.Equal(network || tree, c.Contains(FS.Lookback));
            foreach (var p in new[] { FS.Trees, FS.Leaves, FS.TreeLearningRate })
                Assert.Equal(tree, c.Contains(p));
            if (!network) continue;
            string reg = c.GetString(FS.Regularization);
            Assert.Equal(reg is "dropout" or "mc-dropout", c.Contains(FS.Dropout));
            foreach (var p in new[] { FS.PruningInitialSparsity, FS.PruningFinalSparsity, FS.PruningWarmupEpochs, FS.PruningInterval })
                Assert.Equal(reg == "pruning", c.Contains(p));
            Assert.Equal(recurrent.Contains(model), c.Contains(FS.HiddenSize));
            Assert.Equal(model == "patchtst", c.Contains(FS.DModel));
            Assert.Equal(model == "patchtst", c.Contains(FS.Heads));
            Assert.Equal(model != "dlinear", c.Contains(FS.Layers));
        }
        // Every branch actually occurs; the baselines (scored outside the budget) never do.
        foreach (var m in FS.SearchedModels)
            Assert.Contains(configs, c => c.GetString(FS.Model) == m);
        Assert.DoesNotContain(configs, c => FS.BaselineModels.Contains(c.GetString(FS.Model)));
        foreach (var r in FS.Regularizations)
            Assert.Contains(configs, c => c.GetStringOrDefault(FS.Regularization, null) == r);
    }

    [Fact]
    public void PruningConstraint_FinalSparsityNeverBelowInitial()
    {
        var pruned = Draw(FS.Networks, 3000, 3).Where(c => c.Contains(FS.PruningFinalSparsity)).ToList();
        Assert.True(pruned.Count > 500);
        Assert.All(pruned, c => Assert.True(c.GetDouble(FS.PruningFinalSparsity) >= c.GetDouble(FS.PruningInitialSparsity)));
        // Rejection keeps the initial sparsity spread over its whole range (values above 0.5 still occur).
        Assert.Contains(pruned, c => c.GetDouble(FS.PruningInitialSparsity) > 0.5);
    }

    [Fact]
    public void LogScale_MedianIsGeometricMidpoint()
    {
        var random = new Random(4);
        var lr = new FloatRange("lr", 1e-4, 1e-2, logScale: true);
        double logMedian = Median(Enumerable.Range(0, 4001).Select(_ => double.Parse(lr.Sample(random), System.Globalization.CultureInfo.InvariantCulture)));
        // Log-uniform median = sqrt(1e-4 * 1e-2) = 1e-3; a uniform draw would give ≈ 5.05e-3.
        Assert.InRange(logMedian, 0.85e-3, 1.18e-3);

        var linear = new FloatRange("p", 1e-4, 1e-2);
        double linMedian = Median(Enumerable.Range(0, 4001).Select(_ => double.Parse(linear.Sample(random), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.InRange(linMedian, 4.6e-3, 5.5e-3);

        // Integer log range [1, 100]: median ≈ exp((ln 0.5 + ln 100.5) / 2) ≈ 7.1 (uniform would be ≈ 50).
        var ints = new IntRange("n", 1, 100, logScale: true);
        double intMedian = Median(Enumerable.Range(0, 4001).Select(_ => (double)int.Parse(ints.Sample(random))));
        Assert.InRange(intMedian, 6, 8);
    }

    [Fact]
    public void IntRange_EveryIntegerIncludingEndpointsEquallyLikely()
    {
        var random = new Random(5);
        var r = new IntRange("layers", 1, 3);
        var counts = Enumerable.Range(0, 6000).Select(_ => r.Sample(random)).GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new[] { "1", "2", "3" }, counts.Keys.OrderBy(k => k));
        Assert.All(counts.Values, n => Assert.InRange(n, 1800, 2200));
    }

    [Fact]
    public void Sampling_IsDeterministicBySeed()
    {
        var a = Draw(FS.Default, 50, 42);
        var b = Draw(FS.Default, 50, 42);
        var c = Draw(FS.Default, 50, 43);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Customisation_AddRemoveReplaceWithGuards()
    {
        // The default space's trees, leaves and tree_learning_rate depend on the tree models: a model choice without them is refused too.
        Assert.Throws<ArgumentException>(() => FS.Default.Remove(FS.Heads).Remove(FS.DModel).Replace(new Choice(FS.Model, "lstm", "gru", "patchtst")));
        var space = FS.Networks;
        var ex = Assert.Throws<InvalidOperationException>(() => space.Remove(FS.Regularization));
        Assert.Contains(FS.Dropout, ex.Message);
        Assert.Throws<ArgumentException>(() => space.Add(new FloatRange("momentum", 0, 1).When("optimizer", "sgd")));
        Assert.Throws<ArgumentException>(() => space.Add(new FloatRange("p2", 0, 1).When(FS.Regularization, "l2")));
        Assert.Throws<ArgumentException>(() => space.Add(new FloatRange(FS.Dropout, 0, 1)));
        // d_model depends on model = patchtst, so a model choice without patchtst is refused and the space is unchanged.
        Assert.Throws<ArgumentException>(() => space.Replace(new Choice(FS.Model, "lstm", "gru")));
        Assert.Equal(5, ((Choice)space[FS.Model]).Values.Count);

        space.Remove(FS.Heads).Remove(FS.DModel).Replace(new Choice(FS.Model, "lstm", "gru", "patchtst"))
            .Add(new Choice("optimizer", "adam", "sgd"))
            .Add(new FloatRange("momentum", 0.5, 0.99).When("optimizer", "sgd"));
        var configs = Draw(space, 400, 6);
        Assert.All(configs, c => Assert.False(c.Contains(FS.Heads)));
        Assert.All(configs, c => Assert.Equal(c.GetString(FS.Model) != "patchtst", c.Contains(FS.HiddenSize)));
        Assert.All(configs, c => Assert.Equal(c.GetString("optimizer") == "sgd", c.Contains("momentum")));
    }

    [Fact]
    public void ImpossibleConstraint_ThrowsNamingIt()
    {
        var space = new SweepSearchSpace { MaxRejections = 50 }.Add(new FloatRange("a", 0, 1)).AddConstraint("a > 2", c => c.GetDouble("a") > 2);
        var ex = Assert.Throws<InvalidOperationException>(() => space.Sample(new Random(0)));
        Assert.Contains("a > 2", ex.Message);
    }

    [Fact]
    public void Validate_RejectsInactiveMissingAndOutOfRange()
    {
        var space = FS.Default;
        var good = space.Sample(new Random(7));
        var lstmNone = Configuration.Empty.With(FS.Model, "lstm").With(FS.Regularization, "none").With(FS.Lookback, 30)
            .With(FS.HiddenSize, "64").With(FS.Layers, 1).With(FS.LearningRate, 1e-3).With(FS.BatchSize, "64");
        space.Validate(lstmNone);
        Assert.Throws<ArgumentException>(() => space.Validate(lstmNone.With(FS.Dropout, 0.2)));
        Assert.Throws<ArgumentException>(() => space.Validate(lstmNone.Without(FS.HiddenSize)));
        Assert.Throws<ArgumentException>(() => space.Validate(lstmNone.With(FS.LearningRate, 0.5)));
        Assert.Throws<ArgumentException>(() => space.Validate(lstmNone.With("unknown", "1")));
        space.Validate(good);
    }

    [Fact]
    public void Configuration_IsCanonicalSortedAndTyped()
    {
        var a = new Configuration(new Dictionary<string, string> { ["b"] = "x", ["a"] = "1" });
        var b = Configuration.Empty.With("a", 1).With("b", "x");
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(new[] { "a", "b" }, a.Keys);
        Assert.Equal("a=1, b=x", a.ToString());
        Assert.Equal(1, a.GetInt("a"));
        Assert.Equal(1.0, a.GetDouble("a"));
        Assert.Throws<FormatException>(() => a.GetInt("b"));
        Assert.Throws<KeyNotFoundException>(() => a.GetString("zzz"));
        Assert.Equal("0.001", Configuration.Empty.With("lr", 0.001).GetString("lr"));
        Assert.Equal(0.1 + 0.2, Configuration.Empty.With("v", 0.1 + 0.2).GetDouble("v"));
    }

    [Fact]
    public void UnitMapping_RoundTripsRangesAndChoices()
    {
        var lr = new FloatRange("lr", 1e-4, 1e-2, logScale: true);
        Assert.Equal(0.5, lr.ToUnit("0.001"), 9);
        Assert.Equal(1e-3, double.Parse(lr.FromUnit(0.5), System.Globalization.CultureInfo.InvariantCulture), 12);
        var choice = new Choice("m", "a", "b", "c");
        Assert.Equal("b", choice.FromUnit(choice.ToUnit("b")));
        var ints = new IntRange("n", 7, 96, logScale: true);
        for (int i = 7; i <= 96; i++)
            Assert.Equal(i.ToString(), ints.FromUnit(ints.ToUnit(i.ToString())));
    }
}
