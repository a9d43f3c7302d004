using Microsoft.ML.SynapticPruning.Models;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// Options of <c>PrunedDLinear</c>: moving-average decomposition and two linear maps (Zeng et al. 2023), the strong
/// linear reference. Regularization defaults to <see cref="Regularization.None"/>.
/// </summary>
public sealed class PrunedDLinearOptions : PrunedForecasterOptions
{
    /// <summary>Creates options with DLinear's defaults (no regularization).</summary>
    public PrunedDLinearOptions() => Regularization = Regularization.None;

    /// <summary>Moving-average kernel (odd). Default 25.</summary>
    public int MovingAverageKernel { get; set; } = 25;

    internal override ForecasterKind Kind => ForecasterKind.DLinear;

    internal override ForecasterSpec ApplyArchitecture(ForecasterSpec spec) => spec with { MovingAverageKernel = MovingAverageKernel };
}
