using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Models.Layers;

/// <summary>
/// Inverted dropout whose randomness comes from the <see cref="ForwardContext"/>'s generator, active in training and in
/// Monte-Carlo inference samples only. Unlike <c>nn.Dropout</c> it needs no <c>train()</c>/<c>eval()</c> flip, so one
/// loaded model can serve deterministic and MC forecasts on several threads at once. Float32 masks come from
/// <see cref="DropoutMask"/> (one seed drawn from the context's generator per mask, ~6× cheaper than libtorch's
/// <c>rand(shape, generator)</c>); other dtypes use <c>rand</c>.
/// </summary>
public sealed class ContextDropout : nn.Module<Tensor, Tensor>
{
    private readonly double _p;

    /// <summary>Creates a dropout layer with drop probability <paramref name="p"/> in [0, 1).</summary>
    public ContextDropout(double p, string name = "dropout") : base(name)
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1).");
        _p = p;
    }

    /// <summary>The drop probability.</summary>
    public double P => _p;

    /// <summary>Applies dropout when <paramref name="context"/> asks for it; identity otherwise.</summary>
    public Tensor Forward(Tensor x, ForwardContext context)
    {
        if (_p == 0 || !context.DropoutActive) return x.alias();
        if (x.dtype == ScalarType.Float32)
            return x * DropoutMask.Create(x.shape, _p, context.Generator!, x.device); // values 0 or 1/(1 − p)
        var keep = torch.rand(x.shape, dtype: x.dtype, device: x.device, generator: context.Generator).ge_(_p);
        return x * keep * (1.0 / (1.0 - _p));
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => Forward(x, ForwardContext.Inference);
}
