using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// A module's parameters and buffers by their registered names (<c>named_parameters()</c>, <c>named_buffers()</c>), as
/// detached float64 copies. The references read weights only through this, never through the module's sub-layers.
/// The copies belong to the caller's dispose scope.
/// </summary>
internal sealed class ModuleTensors
{
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);

    private ModuleTensors()
    {
    }

    /// <summary>Reads every parameter and buffer of <paramref name="module"/> as it is now.</summary>
    public static ModuleTensors Of(nn.Module module)
    {
        var result = new ModuleTensors();
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in module.named_parameters()) result._tensors[name] = parameter.detach().to_type(ScalarType.Float64);
            foreach (var (name, buffer) in module.named_buffers()) result._tensors[name] = buffer.detach().to_type(ScalarType.Float64);
        }
        return result;
    }

    /// <summary>The float64 copy of the parameter or buffer called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such name; the message lists the names the module has.</exception>
    public Tensor this[string name] => _tensors.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"The module has no parameter or buffer '{name}'; it has: {string.Join(", ", _tensors.Keys)}.");

    /// <summary>y = x·Wᵀ + b with <c>{prefix}.weight</c> and <c>{prefix}.bias</c> (a Linear layer by its definition).</summary>
    public Tensor Affine(string prefix, Tensor x) => torch.matmul(x, this[prefix + ".weight"].t()) + this[prefix + ".bias"];
}
