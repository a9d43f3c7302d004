using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Tests.Layering.Fixtures.High;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Layering;

/// <summary>
/// The checker fails when it should: on the fixture layers (Fixtures/, every way C# can use a type), on the real library
/// under deliberately wrong rules, and on rule sets that are not a layering.
/// </summary>
public sealed class LayerCheckerTests
{
    private const string Fixtures = "Microsoft.ML.SynapticPruning.Tests.Layering.Fixtures";
    private static string TestAssemblyPath => typeof(LayerCheckerTests).Assembly.Location;
    private static string LibraryPath => typeof(SynapticPruner).Assembly.Location;

    private static LayerRuleSet FixtureRule(string[] highMayUse, string[] highAssemblies) => new(Fixtures,
    [
        new LayerRule("Low", [Fixtures + ".Low"], [], []),
        new LayerRule("High", [Fixtures + ".High"], highMayUse, highAssemblies),
    ]);

    [Fact]
    public void FixtureFollowsARuleThatAllowsItsDependencies()
    {
        Assert.Empty(LayerChecker.Check(TestAssemblyPath, FixtureRule(["Low"], ["TorchSharp"])));
    }

    [Fact]
    public void EveryWayOfUsingAForbiddenLayerIsReported()
    {
        var violations = LayerChecker.Check(TestAssemblyPath, FixtureRule([], ["TorchSharp"]));
        string[] expected =
        [
            nameof(UsesAsBase), nameof(UsesAsGenericArgument), nameof(UsesAttribute), nameof(UsesGenericConstraint), nameof(UsesInBody),
            nameof(UsesInCatch), nameof(UsesInField), nameof(UsesInIterator), nameof(UsesInLambda), nameof(UsesInSignature),
            nameof(UsesInterface), nameof(UsesStaticField), nameof(UsesTypeof),
        ];
        Assert.Equal(expected.Select(n => $"{Fixtures}.High.{n}"), violations.Select(v => v.Type).Distinct());
        Assert.All(violations, v => Assert.Equal("Low", v.DependencyLayer));
        var inBody = violations.Single(v => v.Type.EndsWith(nameof(UsesInBody), StringComparison.Ordinal));
        Assert.Equal($"{Fixtures}.High.UsesInBody (High) uses {Fixtures}.Low.LowThing (Low), which High may not use", inBody.ToString());
    }

    [Fact]
    public void AnExternalAssemblyTheLayerDoesNotListIsReported()
    {
        var violations = LayerChecker.Check(TestAssemblyPath, FixtureRule(["Low"], []));
        var v = Assert.Single(violations);
        Assert.Equal($"{Fixtures}.High.{nameof(UsesTorchSharp)}", v.Type);
        Assert.Equal("TorchSharp", v.DependencyLayer);
        Assert.Contains("TorchSharp.torch", v.Dependency, StringComparison.Ordinal);
    }

    [Fact]
    public void ATypeUnderTheRootInNoLayerIsReported()
    {
        var rule = new LayerRuleSet(Fixtures, [new LayerRule("Low", [Fixtures + ".Low"], [], [])]);
        var violations = LayerChecker.Check(TestAssemblyPath, rule);
        Assert.Contains(violations, v => v.Type == $"{Fixtures}.High.{nameof(Clean)}" && v.Layer == LayerChecker.NoLayer);
        Assert.Contains("belongs to no layer", violations[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheLibraryFailsARuleWhereTrainingSkipsModels()
    {
        // The real rule with Training pointing past Models to Pruning: the trainer builds its network through
        // Models.ForecasterFactory, so the references to Models from Training (and from the layers above, which reached
        // Models through Training) fail, and nothing else does.
        var layers = LibraryLayers.Rule.Layers
            .Select(l => l.Name != "Training" ? l : new LayerRule(l.Name, l.Namespaces, ["Pruning", "Evaluation"], l.ExternalAssemblies))
            .ToArray();
        var violations = LayerChecker.Check(LibraryPath, new LayerRuleSet(LibraryLayers.Root, layers));
        Assert.Contains(violations, v => v.ToString() ==
            "Microsoft.ML.SynapticPruning.Training.ForecastTrainer (Training) uses Microsoft.ML.SynapticPruning.Models.ForecasterFactory (Models), which Training may not use");
        Assert.All(violations, v => Assert.Equal("Models", v.DependencyLayer));
    }

    [Fact]
    public void TheLibraryFailsARuleThatKeepsMlNetOutOfTheCore()
    {
        // MLNet without its ML.NET assemblies: every ML.NET reference of the surface is reported, and only MLNet's.
        var layers = LibraryLayers.Rule.Layers
            .Select(l => l.Name != "MLNet" ? l : new LayerRule(l.Name, l.Namespaces, l.MayUse, ["TorchSharp"], l.ExactNamespaces))
            .ToArray();
        var violations = LayerChecker.Check(LibraryPath, new LayerRuleSet(LibraryLayers.Root, layers));
        Assert.Contains(violations, v => v.Type == "Microsoft.ML.SynapticPruning.PrunedForecastingTransformer" && v.DependencyLayer.StartsWith("Microsoft.ML.", StringComparison.Ordinal));
        Assert.All(violations, v => Assert.Equal("MLNet", v.Layer));
    }

    [Fact]
    public void ACycleIsNotALayering()
    {
        var e = Assert.Throws<ArgumentException>(() => new LayerRuleSet("R",
        [
            new LayerRule("A", ["R.A"], ["B"], []),
            new LayerRule("B", ["R.B"], ["C"], []),
            new LayerRule("C", ["R.C"], ["A"], []),
        ]));
        Assert.StartsWith("The layer rule has a cycle: A → B → C → A.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALayerMayUseEverythingBelowItsArrowsButNothingAbove()
    {
        var rule = new LayerRuleSet("R",
        [
            new LayerRule("A", ["R.A"], [], []),
            new LayerRule("B", ["R.B"], ["A"], []),
            new LayerRule("C", ["R.C"], ["B"], []),
        ]);
        LayerRule Get(string name) => rule.Layers.Single(l => l.Name == name);
        Assert.True(rule.MayUse(Get("C"), Get("A")));
        Assert.False(rule.MayUse(Get("A"), Get("C")));
        Assert.False(rule.MayUse(Get("B"), Get("C")));
        Assert.Equal(["A", "B"], rule.LayersBelow(Get("C")));
    }

    [Fact]
    public void UnknownAndRepeatedLayersAreRejected()
    {
        var unknown = Assert.Throws<ArgumentException>(() => new LayerRuleSet("R", [new LayerRule("A", ["R.A"], ["Z"], [])]));
        Assert.StartsWith("Layer 'A' may use 'Z', which is not a layer.", unknown.Message, StringComparison.Ordinal);
        var twice = Assert.Throws<ArgumentException>(() => new LayerRuleSet("R", [new LayerRule("A", ["R.A"], [], []), new LayerRule("A", ["R.B"], [], [])]));
        Assert.StartsWith("Layer 'A' is defined twice.", twice.Message, StringComparison.Ordinal);
        var self = Assert.Throws<ArgumentException>(() => new LayerRule("A", ["R.A"], ["A"], []));
        Assert.StartsWith("Layer 'A' lists itself", self.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLongestMatchingNamespaceDecidesTheLayer()
    {
        var rule = new LayerRuleSet("R", [new LayerRule("Outer", ["R"], [], []), new LayerRule("Inner", ["R.Inner"], [], [], ["X"])]);
        Assert.Equal("Inner", rule.LayerOf("R.Inner.Deep")?.Name);
        Assert.Equal("Outer", rule.LayerOf("R.Other")?.Name);
        Assert.Equal("Inner", rule.LayerOf("X")?.Name);
        Assert.Null(rule.LayerOf("X.Y"));
    }

    [Fact]
    public void ATypeListedByNameBelongsToItsLayerWhateverItsNamespace()
    {
        // The library's root namespace holds both the shared vocabulary (bottom) and the ML.NET surface (top).
        var rule = new LayerRuleSet("R",
        [
            new LayerRule("Words", [], [], [], types: ["R.Word"]),
            new LayerRule("Engine", ["R.Engine"], ["Words"], []),
            new LayerRule("Surface", [], ["Engine"], [], exactNamespaces: ["R"]),
        ]);
        Assert.Equal("Words", rule.LayerOf("R", "R.Word")?.Name);
        Assert.Equal("Surface", rule.LayerOf("R", "R.Estimator")?.Name);
        Assert.Equal("Surface", rule.LayerOf("R")?.Name);
        Assert.Equal("Engine", rule.LayerOf("R.Engine", "R.Engine.Word")?.Name);
        Assert.True(rule.MayUse(rule.LayerOf("R.Engine")!, rule.LayerOf("R", "R.Word")!));
        Assert.False(rule.MayUse(rule.LayerOf("R.Engine")!, rule.LayerOf("R", "R.Estimator")!));
    }

    [Fact]
    public void TheLibraryFailsARuleWhereTheVocabularyIsTheSurface()
    {
        // Without the vocabulary's list its types fall to the root namespace's layer, MLNet, and every engine layer that
        // names Regularization, InstanceNormalization, … uses the layer at the top.
        var layers = LibraryLayers.Rule.Layers
            .Select(l => l.Name != "Vocabulary" ? l : new LayerRule(l.Name, [LibraryLayers.Root + ".NoSuchNamespace"], l.MayUse, l.ExternalAssemblies))
            .ToArray();
        var violations = LayerChecker.Check(LibraryPath, new LayerRuleSet(LibraryLayers.Root, layers));
        Assert.Contains(violations, v => v.Layer == "Training" && v.Dependency == LibraryLayers.Root + ".Regularization");
        Assert.All(violations, v => Assert.Equal("MLNet", v.DependencyLayer));
    }
}
