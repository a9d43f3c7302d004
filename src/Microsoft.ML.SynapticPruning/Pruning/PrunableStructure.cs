namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>
/// A group of weights that structured pruning removes together (a recurrent hidden unit, an attention head, a
/// feed-forward neuron): the union of its <see cref="Slices"/>. Slices of different structures may overlap (the weight
/// from unit j to unit k belongs to both); a weight is pruned as soon as one structure containing it is pruned.
/// </summary>
public sealed class PrunableStructure
{
    /// <summary>Creates a structure.</summary>
    /// <param name="kind">What the structure is.</param>
    /// <param name="group">
    /// The set of interchangeable structures it belongs to (e.g. <c>lstm.0</c>, <c>encoder.1.heads</c>). Structured
    /// pruning never prunes the last active structure of a group, so every layer keeps at least one unit/head/neuron.
    /// </param>
    /// <param name="index">Position within the group (unit, head or neuron index in the current network).</param>
    /// <param name="slices">The weights of the structure; at least one.</param>
    /// <exception cref="ArgumentException">No slice, an empty name, or a slice with negative start or non-positive length.</exception>
    public PrunableStructure(StructureKind kind, string group, int index, IReadOnlyList<StructureSlice> slices)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentNullException.ThrowIfNull(slices);
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(index), index, "The structure index must be 0 or more.");
        if (slices.Count == 0) throw new ArgumentException($"Structure {group}[{index}] has no slice; give at least one.", nameof(slices));
        foreach (var s in slices)
        {
            if (string.IsNullOrEmpty(s.Parameter) || s.Dimension < 0 || s.Start < 0 || s.Length < 1)
                throw new ArgumentException($"Structure {group}[{index}] has an invalid slice {s}: it needs a parameter name, a dimension ≥ 0, a start ≥ 0 and a length ≥ 1.", nameof(slices));
        }
        Kind = kind;
        Group = group;
        Index = index;
        Slices = slices.ToArray();
    }

    /// <summary>What the structure is.</summary>
    public StructureKind Kind { get; }

    /// <summary>The group of interchangeable structures (one layer's units, heads or neurons).</summary>
    public string Group { get; }

    /// <summary>Position within <see cref="Group"/>.</summary>
    public int Index { get; }

    /// <summary>The weights of the structure.</summary>
    public IReadOnlyList<StructureSlice> Slices { get; }

    /// <summary><c>Group[Index]</c>.</summary>
    public string Name => $"{Group}[{Index}]";

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Name}";
}
