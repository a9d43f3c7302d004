namespace Microsoft.ML.SynapticPruning.Tests.Layering;

/// <summary>
/// A type that uses something its layer may not: another layer's type, an external assembly the layer does not list, or
/// (for types under the rule set's root namespace) no layer at all.
/// </summary>
/// <param name="Type">Full name of the offending type.</param>
/// <param name="Layer">Its layer (or <c>(none)</c>).</param>
/// <param name="Dependency">The forbidden type (full name) or assembly.</param>
/// <param name="DependencyLayer">The layer or assembly of the dependency.</param>
public sealed record LayerViolation(string Type, string Layer, string Dependency, string DependencyLayer)
{
    /// <inheritdoc />
    public override string ToString() => Layer == LayerChecker.NoLayer
        ? $"{Type} belongs to no layer (namespace not covered by the rule)"
        : $"{Type} ({Layer}) uses {Dependency} ({DependencyLayer}), which {Layer} may not use";
}
