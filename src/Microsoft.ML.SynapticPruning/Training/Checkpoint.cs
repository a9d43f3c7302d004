using Microsoft.ML.SynapticPruning.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>Copies of every parameter and buffer of a module plus the pruner's masks.</summary>
internal sealed class Checkpoint : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;

    private Checkpoint(Dictionary<string, Tensor> tensors, PrunerState? pruner)
    {
        _tensors = tensors;
        Pruner = pruner;
    }

    public PrunerState? Pruner { get; }

    public static Checkpoint Capture(nn.Module module, SynapticPruner? pruner)
    {
        var copies = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (torch.no_grad())
        {
            foreach (var (name, tensor) in module.state_dict())
                copies[name] = tensor.detach().clone().DetachFromDisposeScope();
        }
        return new Checkpoint(copies, pruner?.CaptureState());
    }

    public void Restore(nn.Module module, SynapticPruner? pruner)
    {
        using (torch.no_grad())
        {
            foreach (var (name, tensor) in module.state_dict())
            {
                if (_tensors.TryGetValue(name, out var saved)) tensor.copy_(saved);
            }
        }
        if (pruner is not null && Pruner is not null) pruner.RestoreState(Pruner);
    }

    /// <summary>A deep copy (the copy owns its tensors).</summary>
    public Checkpoint Clone()
    {
        var copies = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (torch.no_grad())
        {
            foreach (var (name, tensor) in _tensors)
                copies[name] = tensor.clone().DetachFromDisposeScope();
        }
        return new Checkpoint(copies, Pruner);
    }

    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
    }
}
