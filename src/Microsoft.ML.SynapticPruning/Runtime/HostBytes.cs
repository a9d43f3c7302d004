using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Runtime;

/// <summary>
/// Host (CPU) access to the bytes of a tensor on any device. TorchSharp's <c>Tensor.bytes</c> works only on contiguous
/// CPU tensors (it throws for CUDA or MPS memory); here a contiguous CPU tensor is read and written in place, without a
/// copy (the usual case), and any other tensor goes through a temporary contiguous CPU copy. Bytes are in row-major
/// (logical) order.
/// </summary>
internal static class HostBytes
{
    /// <summary>
    /// A read-only view of <paramref name="tensor"/>'s bytes (row-major): the tensor's own memory when it is contiguous and
    /// on the CPU, otherwise a CPU copy that the view owns. Dispose the view before the tensor.
    /// </summary>
    public static View Read(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (IsHostContiguous(tensor)) return new View(tensor, null);
        using var detached = tensor.detach();
        using var onCpu = detached.cpu();
        return new View(tensor, onCpu.contiguous());
    }

    /// <summary>
    /// Overwrites every element of <paramref name="tensor"/> with <paramref name="source"/> (row-major bytes of the tensor's
    /// dtype): in place when the tensor is contiguous and on the CPU, otherwise through a CPU copy and <c>copy_</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> does not hold exactly the tensor's bytes.</exception>
    public static void Write(Tensor tensor, ReadOnlySpan<byte> source)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        long expected = tensor.numel() * tensor.ElementSize;
        if (source.Length != expected)
            throw new ArgumentException($"{source.Length} bytes were given for a tensor of {expected} bytes (shape [{string.Join(", ", tensor.shape)}], {tensor.dtype}).", nameof(source));
        if (IsHostContiguous(tensor))
        {
            source.CopyTo(tensor.bytes);
            return;
        }
        using var host = torch.empty(tensor.shape, dtype: tensor.dtype, device: torch.CPU);
        source.CopyTo(host.bytes);
        using (torch.no_grad()) tensor.copy_(host);
    }

    private static bool IsHostContiguous(Tensor tensor) => tensor.device_type == DeviceType.CPU && tensor.is_contiguous();

    /// <summary>The bytes of a tensor as seen from the host; owns the CPU copy when one was needed.</summary>
    public readonly struct View : IDisposable
    {
        private readonly Tensor _source;
        private readonly Tensor? _copy;

        internal View(Tensor source, Tensor? copy)
        {
            _source = source;
            _copy = copy;
        }

        /// <summary>The bytes, row-major.</summary>
        public ReadOnlySpan<byte> Bytes => (_copy ?? _source).bytes;

        /// <summary>Whether the bytes are a copy (the tensor was not contiguous or not on the CPU).</summary>
        public bool IsCopy => _copy is not null;

        /// <summary>Releases the copy, if any.</summary>
        public void Dispose() => _copy?.Dispose();
    }
}
