using TorchSharp.Modules;

namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>
/// Settings of synaptic pruning. Defaults are the paper's: 30 % → 70 % global sparsity on a cubic ramp after a 2-epoch
/// warm-up, masks updated every 5 optimizer steps.
/// </summary>
/// <remarks>
/// The names are those of the estimator options (<c>PrunedForecasterOptions</c>): <see cref="PruningInterval"/>,
/// <see cref="PruningCurve"/>, <see cref="ProgressConvention"/>, <see cref="PruneNormGains"/>, <see cref="PruningGranularity"/>,
/// and sparsities are <see cref="double"/> in both, so a validation message names the option a user sets.
/// </remarks>
public sealed class PruningOptions
{
    /// <summary>Sparsity of the first pruning epoch, in [0, 1). Default 0.30.</summary>
    public double InitialSparsity { get; set; } = 0.30;

    /// <summary>Sparsity reached at the end of the ramp, in [<see cref="InitialSparsity"/>, 1). Default 0.70.</summary>
    public double FinalSparsity { get; set; } = 0.70;

    /// <summary>Epochs trained dense before the first mask update. Default 2.</summary>
    public int WarmupEpochs { get; set; } = 2;

    /// <summary>
    /// Masks are updated every this many optimizer steps, counted globally from the start of training and never reset at
    /// epoch boundaries. Default 5.
    /// </summary>
    public int PruningInterval { get; set; } = 5;

    /// <summary>
    /// Ramp shape. Default <see cref="SparsityCurve.Paper"/>. The estimator options' <c>PruningCurve</c> enum names the
    /// same two built-in shapes (<see cref="SparsityCurve.Paper"/>, <see cref="SparsityCurve.ZhuGupta"/>).
    /// </summary>
    public SparsityCurve PruningCurve { get; set; } = SparsityCurve.Paper;

    /// <summary>Epoch-to-progress convention. Default <see cref="ProgressConvention.LastEpochReachesFinal"/>.</summary>
    public ProgressConvention ProgressConvention { get; set; } = ProgressConvention.LastEpochReachesFinal;

    /// <summary>
    /// Also prune the 1-dimensional gains (<c>weight</c>) of LayerNorm, GroupNorm and BatchNorm/InstanceNorm modules,
    /// and of modules marked <see cref="INormalizationLayer"/> (PatchTST's BatchNorm); they are ranked by |w| with the
    /// weight matrices. Weight granularity only: structured pruning removes declared structures, never gains.
    /// Default false. Ignored when <see cref="Selector"/> is set.
    /// </summary>
    public bool PruneNormGains { get; set; }

    /// <summary>
    /// Zero the gradients of pruned weights after every backward pass and their Adam/AdamW moments whenever masks
    /// change, so that pruned weights do not count in gradient clipping and carry no momentum. Default true.
    /// </summary>
    public bool ZeroPrunedGradientsAndOptimizerState { get; set; } = true;

    /// <summary>
    /// What a mask update prunes: single weights (default, the paper's method; unchanged behaviour) or whole structures
    /// declared by the module through <see cref="IStructuredPrunable"/> (recurrent hidden units, attention heads,
    /// feed-forward neurons). With <see cref="PruningGranularity.Structure"/> the sparsity targets
    /// (<see cref="InitialSparsity"/>, <see cref="FinalSparsity"/>) are fractions of <em>structures</em> pruned
    /// (unweighted); the resulting weight sparsity is reported by <see cref="SynapticPruner.GlobalSparsity"/>.
    /// </summary>
    public PruningGranularity PruningGranularity { get; set; } = PruningGranularity.Weight;

    /// <summary>
    /// With <see cref="PruningGranularity.Structure"/>: how structures are compared when a mask update picks the ones
    /// to prune. <see cref="StructureImportance.GroupRelative"/> (default) ranks each structure's RMS relative
    /// to the mean RMS of the active structures of its group (one layer's units, heads or neurons), so attention heads
    /// compete with feed-forward neurons; <see cref="StructureImportance.Absolute"/> ranks the raw RMS (the
    /// earlier rule). Ignored with <see cref="PruningGranularity.Weight"/>.
    /// </summary>
    public StructureImportance StructureImportance { get; set; } = StructureImportance.GroupRelative;

    /// <summary>
    /// Explicit choice of the prunable parameters: called with each parameter's full name and the parameter; returns
    /// true to prune it. Overrides the default rule (every parameter with ≥ 2 dimensions whose name's last segment
    /// contains "weight", except positional embeddings named "pos_embed"; never biases). Null = default rule.
    /// </summary>
    public Func<string, Parameter, bool>? Selector { get; set; }

    /// <summary>Creates the epoch-based cubic schedule these options describe for <paramref name="maxEpochs"/> epochs.</summary>
    public CubicSparsitySchedule CreateSchedule(int maxEpochs)
    {
        Validate(maxEpochs);
        return new CubicSparsitySchedule(InitialSparsity, FinalSparsity, WarmupEpochs, maxEpochs, PruningCurve, ProgressConvention);
    }

    /// <summary>Checks the options that do not depend on the training length.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception names it.</exception>
    public void Validate()
    {
        SparsitySchedule.ValidateSparsityPair(InitialSparsity, FinalSparsity, nameof(InitialSparsity), nameof(FinalSparsity));
        if (WarmupEpochs < 0)
            throw new ArgumentOutOfRangeException(nameof(WarmupEpochs), WarmupEpochs, $"WarmupEpochs must be 0 or more (got {WarmupEpochs}).");
        if (PruningInterval < 1)
            throw new ArgumentOutOfRangeException(nameof(PruningInterval), PruningInterval, $"PruningInterval must be at least 1 optimizer step (got {PruningInterval}).");
        if (PruningCurve is null)
            throw new ArgumentNullException(nameof(PruningCurve), "PruningCurve must be set; use SparsityCurve.Paper or SparsityCurve.ZhuGupta.");
        if (!Enum.IsDefined(ProgressConvention))
            throw new ArgumentOutOfRangeException(nameof(ProgressConvention), ProgressConvention, "ProgressConvention must be LastEpochReachesFinal or AuthorsZeroBased.");
        if (!Enum.IsDefined(PruningGranularity))
            throw new ArgumentOutOfRangeException(nameof(PruningGranularity), PruningGranularity, "PruningGranularity must be PruningGranularity.Weight or PruningGranularity.Structure.");
        if (!Enum.IsDefined(StructureImportance))
            throw new ArgumentOutOfRangeException(nameof(StructureImportance), StructureImportance, "StructureImportance must be StructureImportance.GroupRelative or StructureImportance.Absolute.");
    }

    /// <summary>Checks the options for a training run of <paramref name="maxEpochs"/> epochs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or the warm-up leaves no epoch to prune in.</exception>
    public void Validate(int maxEpochs)
    {
        Validate();
        if (maxEpochs < 1)
            throw new ArgumentOutOfRangeException("MaxEpochs", maxEpochs, $"MaxEpochs must be at least 1 (got {maxEpochs}).");
        if (WarmupEpochs >= maxEpochs)
            throw new ArgumentOutOfRangeException(nameof(WarmupEpochs), WarmupEpochs,
                $"WarmupEpochs ({WarmupEpochs}) must be less than MaxEpochs ({maxEpochs}), otherwise pruning never starts. Lower WarmupEpochs or raise MaxEpochs.");
    }

    /// <summary>A shallow copy (the selector delegate is shared).</summary>
    public PruningOptions Clone() => (PruningOptions)MemberwiseClone();
}
