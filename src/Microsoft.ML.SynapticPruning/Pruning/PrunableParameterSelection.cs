using TorchSharp;
using TorchSharp.Modules;

namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>Which parameters of a module the pruner manages.</summary>
public static class PrunableParameterSelection
{
    /// <summary>
    /// The default rule: the last segment of the parameter name contains "weight", the parameter has at least 2
    /// dimensions, and the name does not contain "pos_embed" (positional embeddings). Biases are never selected. This
    /// covers recurrent <c>weight_ih_l*</c>/<c>weight_hh_l*</c>, Linear weights (attention projections, patch
    /// projection, heads) and convolution kernels.
    /// </summary>
    public static bool IsDefaultPrunable(string name, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        int dot = name.LastIndexOf('.');
        string last = dot < 0 ? name : name[(dot + 1)..];
        return last.Contains("weight", StringComparison.Ordinal)
            && parameter.dim() >= 2
            && !name.Contains("pos_embed", StringComparison.Ordinal);
    }

    /// <summary>
    /// The parameters of <paramref name="module"/> that <paramref name="options"/> make prunable, in the module's
    /// parameter order, without duplicates (shared parameters appear once).
    /// </summary>
    public static IReadOnlyList<(string Name, Parameter Parameter)> Select(torch.nn.Module module, PruningOptions options)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(options);

        var normGains = new HashSet<string>(StringComparer.Ordinal);
        if (options.Selector is null && options.PruneNormGains)
        {
            foreach (var (name, child) in module.named_modules())
            {
                if (IsNormalization(child))
                    normGains.Add(name.Length == 0 ? "weight" : name + ".weight");
            }
            if (IsNormalization(module)) normGains.Add("weight");
        }

        var seen = new HashSet<IntPtr>();
        var result = new List<(string, Parameter)>();
        foreach (var (name, parameter) in module.named_parameters(true))
        {
            bool selected = options.Selector is { } selector
                ? selector(name, parameter)
                : IsDefaultPrunable(name, parameter) || (normGains.Contains(name) && parameter.dim() == 1);
            if (!selected || !seen.Add(parameter.Handle)) continue;
            if (!torch.is_floating_point(parameter))
                throw new ArgumentException($"Parameter '{name}' has dtype {parameter.dtype}; only floating-point parameters can be pruned. Exclude it in PruningOptions.Selector.", nameof(options));
            result.Add((name, parameter));
        }
        return result;
    }

    // TorchSharp's LayerNorm, GroupNorm and BatchNorm/InstanceNorm (NormBase), and modules that declare themselves
    // normalisation layers (e.g. PatchTST's BatchNorm).
    private static bool IsNormalization(torch.nn.Module module) => module is LayerNorm or GroupNorm or NormBase or INormalizationLayer;
}
