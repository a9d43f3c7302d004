using Microsoft.ML.SynapticPruning.Models;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// The recurrent shapes checked per architecture: every hidden configuration (sizes that are and are not multiples of
/// 8/16/32, one to three layers, equal and per-layer sizes) crossed with every batch size (1, odd 33, 256); input
/// channels (1, 3, 7, 16 targets; 0–2 covariates), lookback (1, 2, 7, 30, 48), horizon and window normalisation rotate
/// along the grid so each value meets several hidden sizes. 30 shapes per architecture.
/// </summary>
internal static class RecurrentGrid
{
    /// <summary>Hidden size per layer; 4/6/12/16/48 are sizes the oneDNN defect hit, 20/64 sizes it did not.</summary>
    public static readonly int[][] HiddenConfigurations =
    {
        new[] { 4 }, new[] { 6 }, new[] { 12 }, new[] { 16 }, new[] { 20 }, new[] { 48 }, new[] { 64 },
        new[] { 16, 16 }, new[] { 48, 6 }, new[] { 4, 20, 12 },
    };

    /// <summary>Batch sizes: a single window, an odd batch, and a full prediction block.</summary>
    public static readonly int[] Batches = { 1, 33, 256 };

    private static readonly int[] Targets = { 1, 3, 7, 16 };
    private static readonly int[] Covariates = { 0, 2, 1 };
    private static readonly int[] Lookbacks = { 1, 2, 7, 30, 48 };
    private static readonly int[] Horizons = { 1, 3, 12 };
    private static readonly InstanceNormalization[] Normalizations = { InstanceNormalization.None, InstanceNormalization.Window, InstanceNormalization.WindowLast };

    /// <summary>
    /// The shapes for <paramref name="kind"/> in <paramref name="mode"/>: the whole grid, except that an MC sample (whose
    /// batch is the sample count) uses one shape per hidden configuration.
    /// </summary>
    public static IEnumerable<RecurrentCase> Cases(ForecasterKind kind, ForwardMode mode)
    {
        int shift = (int)kind;
        for (int k = 0; k < HiddenConfigurations.Length; k++)
        {
            for (int b = 0; b < Batches.Length; b++)
            {
                if (mode == ForwardMode.MonteCarloSample && b != 1) continue;
                yield return new RecurrentCase(kind, HiddenConfigurations[k],
                    Targets[(k + b) % Targets.Length],
                    Covariates[(k + 2 * b) % Covariates.Length],
                    Batches[b],
                    Lookbacks[(k + 2 * b + shift) % Lookbacks.Length],
                    Horizons[(k + b + shift) % Horizons.Length],
                    Normalizations[(k + b + shift) % Normalizations.Length]);
            }
        }
    }
}
