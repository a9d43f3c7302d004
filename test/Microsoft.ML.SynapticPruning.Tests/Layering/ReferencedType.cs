namespace Microsoft.ML.SynapticPruning.Tests.Layering;

/// <summary>A referenced type: its full name, its namespace, and the assembly it lives in (<see langword="null"/> for a
/// type of the assembly being read).</summary>
public sealed record ReferencedType(string FullName, string Namespace, string? Assembly);
