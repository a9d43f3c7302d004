using TorchSharp;

namespace Microsoft.ML.SynapticPruning.Models;

/// <summary>
/// How a forward pass treats stochastic layers. Passed explicitly down the module tree so that Monte-Carlo dropout
/// never flips a shared module into <c>train()</c> mode and every random draw comes from a caller-owned generator
/// (docs/design.md, "Determinism and threads"). Immutable; safe to share across threads as long as the generator is not shared.
/// </summary>
public sealed class ForwardContext
{
    private ForwardContext(bool training, bool monteCarlo, torch.Generator? generator)
    {
        Training = training;
        MonteCarlo = monteCarlo;
        Generator = generator;
    }

    /// <summary>Deterministic inference: dropout off, BatchNorm uses running statistics.</summary>
    public static ForwardContext Inference { get; } = new(false, false, null);

    /// <summary>A training pass: dropout on (drawn from <paramref name="generator"/>), BatchNorm in batch mode.</summary>
    public static ForwardContext ForTraining(torch.Generator generator) => new(true, false, generator ?? throw new ArgumentNullException(nameof(generator)));

    /// <summary>A Monte-Carlo dropout sample at inference: dropout on, drawn from <paramref name="generator"/>, BatchNorm in eval mode.</summary>
    public static ForwardContext MonteCarloSample(torch.Generator generator) => new(false, true, generator ?? throw new ArgumentNullException(nameof(generator)));

    /// <summary>True while training (gradients, BatchNorm batch statistics, dropout on).</summary>
    public bool Training { get; }

    /// <summary>True for an MC-dropout inference sample (dropout on, everything else in eval mode).</summary>
    public bool MonteCarlo { get; }

    /// <summary>Whether dropout layers drop units in this pass.</summary>
    public bool DropoutActive => Training || MonteCarlo;

    /// <summary>The generator every random draw of this pass uses (null for <see cref="Inference"/>).</summary>
    public torch.Generator? Generator { get; }
}
