using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>A prunable parameter and its binary mask (owned by the <see cref="SynapticPruner"/>).</summary>
public sealed class PrunableTensor
{
    internal PrunableTensor(string name, Parameter parameter, Tensor mask, Tensor pruned)
    {
        Name = name;
        Parameter = parameter;
        Mask = mask;
        PrunedMask = pruned;
        NumberOfElements = parameter.numel();
        Shape = parameter.shape.ToArray();
    }

    /// <summary>The parameter's full name in the module (e.g. <c>lstm.weight_hh_l0</c>).</summary>
    public string Name { get; }

    /// <summary>The live parameter.</summary>
    public Parameter Parameter { get; }

    /// <summary>
    /// Boolean mask of the parameter's shape: true = weight kept, false = pruned. Owned by the pruner; do not dispose or
    /// modify it.
    /// </summary>
    public Tensor Mask { get; }

    /// <summary>The logical negation of <see cref="Mask"/> (true = pruned); kept in step with it.</summary>
    internal Tensor PrunedMask { get; }

    /// <summary>Number of weights in the tensor.</summary>
    public long NumberOfElements { get; }

    /// <summary>The parameter's shape.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Number of weights currently pruned (kept by the pruner; exact).</summary>
    public long PrunedCount { get; internal set; }
}
