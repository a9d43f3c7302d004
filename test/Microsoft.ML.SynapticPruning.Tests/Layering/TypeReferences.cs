namespace Microsoft.ML.SynapticPruning.Tests.Layering;

/// <summary>A type definition and the types it refers to.</summary>
/// <param name="FullName">The type's full name (a nested type is reported as its outermost declaring type).</param>
/// <param name="Namespace">The type's namespace.</param>
/// <param name="References">The referenced types.</param>
public sealed record TypeReferences(string FullName, string Namespace, IReadOnlyList<ReferencedType> References);
