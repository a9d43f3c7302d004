using Microsoft.ML.SynapticPruning.Pruning;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Layering;

/// <summary>
/// ML.NET's internal types (reachable through the publicized references, docs/persistence.md) are used only behind
/// <c>MLNet/Internals</c>, plus the transformer whose ML.NET base class makes it override internal members. An ML.NET
/// upgrade that changes an internal then breaks one folder, not the whole library.
/// </summary>
public sealed class MlNetInternalsTests
{
    private const string InternalsNamespace = "Microsoft.ML.SynapticPruning.MLNet.Internals";

    /// <summary>Types outside MLNet/Internals allowed to use ML.NET internals, each with the reason.</summary>
    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal)
    {
        ["Microsoft.ML.SynapticPruning.PrunedForecastingTransformer"] =
            "derives from ML.NET's RowToRowTransformerBase: its SaveModel/MakeRowMapper overrides and row mapper take internal types",
    };

    [Fact]
    public void InternalMlNetTypesAreUsedOnlyBehindMLNetInternals()
    {
        var uses = InternalUses().Where(u => !u.User.StartsWith(InternalsNamespace + ".", StringComparison.Ordinal) && !Allowed.ContainsKey(u.User))
            .Select(u => $"{u.User} uses ML.NET internal {u.Internal}").ToArray();
        Assert.True(uses.Length == 0,
            "ML.NET internals outside MLNet/Internals (move the use behind a small class there, as MlNetEnvironment does):\n" + string.Join("\n", uses));
    }

    [Fact]
    public void TheCheckSeesTheInternalsTheLibraryDoesUse()
    {
        // Guards the test above against passing because it sees nothing: the known uses are found.
        var users = InternalUses().Select(u => u.User).ToHashSet();
        Assert.Contains(InternalsNamespace + ".MlNetEnvironment", users);      // IInternalCatalog, IHostEnvironmentInternal
        Assert.Contains(InternalsNamespace + ".ComponentHeader", users);       // ModelHeader
        Assert.Contains("Microsoft.ML.SynapticPruning.PrunedForecastingTransformer", users);
        foreach (var user in Allowed.Keys) Assert.Contains(user, users);       // no stale exemption
    }

    private static IEnumerable<(string User, string Internal)> InternalUses()
    {
        foreach (var type in TypeReferenceReader.Read(typeof(SynapticPruner).Assembly.Location))
            foreach (var reference in type.References)
            {
                if (reference.Assembly is not { } assembly || !assembly.StartsWith("Microsoft.ML", StringComparison.Ordinal)) continue;
                var resolved = Type.GetType($"{reference.FullName}, {assembly}", throwOnError: false);
                Assert.True(resolved is not null, $"{type.FullName} references {reference.FullName} in {assembly}, which does not resolve");
                if (!resolved!.IsVisible) yield return (type.FullName, reference.FullName);
            }
    }
}
