using Microsoft.ML.SynapticPruning.Pruning;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Models.Layers;

/// <summary>
/// BatchNorm over the feature axis of a (batch, tokens, features) tensor, as PatchTST applies it after attention and
/// after the feed-forward block (transpose to (batch, features, tokens), <c>BatchNorm1d</c>, transpose back).
/// Whether it normalises with batch statistics (and updates its running statistics) is decided by the
/// <see cref="ForwardContext"/> — <see cref="ForwardContext.Training"/> only — and not by <c>train()</c>/<c>eval()</c>,
/// so a Monte-Carlo dropout sample can never change the running statistics. Parameters are named
/// <c>weight</c>/<c>bias</c> (one-dimensional) and buffers <c>running_mean</c>/<c>running_var</c>, like <c>nn.BatchNorm1d</c>;
/// as an <see cref="INormalizationLayer"/> its gain is prunable with <see cref="PruningOptions.PruneNormGains"/>.
/// </summary>
internal sealed class ContextBatchNorm1d : nn.Module<Tensor, Tensor>, INormalizationLayer
{
    private readonly double _momentum;
    private readonly double _eps;

#pragma warning disable IDE1006 // TorchSharp names parameters after the fields.
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;
#pragma warning restore IDE1006

    /// <summary>Creates the layer for <paramref name="features"/> features (PyTorch defaults: momentum 0.1, eps 1e-5).</summary>
    public ContextBatchNorm1d(long features, double momentum = 0.1, double eps = 1e-5, string name = "batch_norm") : base(name)
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "The number of features must be at least 1.");
        _momentum = momentum;
        _eps = eps;
        weight = nn.Parameter(torch.ones(features));
        bias = nn.Parameter(torch.zeros(features));
        running_mean = torch.zeros(features);
        running_var = torch.ones(features);
        register_parameter(nameof(weight), weight);
        register_parameter(nameof(bias), bias);
        register_buffer(nameof(running_mean), running_mean);
        register_buffer(nameof(running_var), running_var);
    }

    /// <summary>Normalises <paramref name="x"/> (batch, tokens, features) with batch statistics when training, running statistics otherwise.</summary>
    public Tensor Forward(Tensor x, ForwardContext context)
    {
        using var channelsFirst = x.transpose(1, 2);
        var normalized = nn.functional.batch_norm(channelsFirst, running_mean, running_var, weight, bias, context.Training, _momentum, _eps);
        return normalized.transpose(1, 2);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => Forward(x, ForwardContext.Inference);
}
