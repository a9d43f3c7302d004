namespace Microsoft.ML.SynapticPruning.Tests.Layering;

/// <summary>
/// Checks a compiled assembly against a <see cref="LayerRuleSet"/>: every type reference a type's metadata holds
/// (<see cref="TypeReferenceReader"/>) must stay inside its layer, go to a layer it may use, go to the .NET runtime, or
/// go to an external assembly its layer lists.
/// </summary>
public static class LayerChecker
{
    /// <summary>The layer name reported for a type under the root namespace that no rule covers.</summary>
    public const string NoLayer = "(none)";

    private static readonly string[] RuntimeAssemblies = ["System", "netstandard", "mscorlib", "Microsoft.Win32"];

    /// <summary>All violations in the assembly at <paramref name="assemblyPath"/>, sorted by type.</summary>
    public static IReadOnlyList<LayerViolation> Check(string assemblyPath, LayerRuleSet rules)
    {
        ArgumentException.ThrowIfNullOrEmpty(assemblyPath);
        ArgumentNullException.ThrowIfNull(rules);
        if (!File.Exists(assemblyPath))
            throw new FileNotFoundException($"No assembly at '{assemblyPath}'.", assemblyPath);
        var violations = new List<LayerViolation>();
        foreach (var type in TypeReferenceReader.Read(assemblyPath))
        {
            var layer = rules.LayerOf(type.Namespace, type.FullName);
            if (layer is null)
            {
                if (rules.IsUnderRoot(type.Namespace))
                    violations.Add(new LayerViolation(type.FullName, NoLayer, type.Namespace, NoLayer));
                continue;
            }
            foreach (var reference in type.References)
            {
                if (reference.Assembly is null)
                {
                    var target = rules.LayerOf(reference.Namespace, reference.FullName);
                    if (target is not null && !rules.MayUse(layer, target))
                        violations.Add(new LayerViolation(type.FullName, layer.Name, reference.FullName, target.Name));
                }
                else if (!IsAllowedAssembly(reference.Assembly, layer))
                {
                    violations.Add(new LayerViolation(type.FullName, layer.Name, reference.FullName, reference.Assembly));
                }
            }
        }
        return violations.Distinct()
            .OrderBy(v => v.Type, StringComparer.Ordinal).ThenBy(v => v.Dependency, StringComparer.Ordinal)
            .ToArray();
    }

    private static bool IsAllowedAssembly(string assembly, LayerRule layer) =>
        IsRuntime(assembly) || layer.ExternalAssemblies.Any(prefix => HasPrefix(assembly, prefix));

    private static bool IsRuntime(string assembly) => RuntimeAssemblies.Any(prefix => HasPrefix(assembly, prefix));

    private static bool HasPrefix(string assembly, string prefix) =>
        assembly == prefix || assembly.StartsWith(prefix + ".", StringComparison.Ordinal);
}
