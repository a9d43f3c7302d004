using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.SynapticPruning.Runtime;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Runtime;

/// <summary>Host reads and writes of tensor memory (<c>HostBytes</c>): in place on the CPU, through a copy otherwise.</summary>
[Collection("Torch")]
public class HostBytesTests
{
    [Fact]
    public void HostBytesReadsAContiguousCpuTensorInPlace()
    {
        using var t = torch.arange(12, dtype: torch.ScalarType.Float32).view(3, 4);
        using var host = HostBytes.Read(t);
        Assert.False(host.IsCopy);
        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(host.Bytes), ref MemoryMarshal.GetReference(t.bytes)), "the CPU path must not copy");
        Assert.Equal(t.bytes.ToArray(), host.Bytes.ToArray());
    }

    [Fact]
    public void HostBytesReadsANonContiguousTensorRowMajorThroughACopy()
    {
        // The copy path is the one a CUDA tensor takes (there it is a device-to-host copy); on the CPU it must give the
        // bytes of the contiguous tensor.
        using var t = torch.arange(12, dtype: torch.ScalarType.Float32).view(3, 4);
        using var transposed = t.t();
        using var expected = transposed.contiguous();
        using var host = HostBytes.Read(transposed);
        Assert.True(host.IsCopy);
        Assert.Equal(expected.bytes.ToArray(), host.Bytes.ToArray());
    }

    [Fact]
    public void HostBytesWritesContiguousAndNonContiguousTensors()
    {
        var values = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());

        using var contiguous = torch.zeros(3, 4);
        HostBytes.Write(contiguous, bytes);
        Assert.Equal(values, contiguous.data<float>().ToArray());

        using var t = torch.zeros(3, 4);
        using var transposed = t.t();                        // (4, 3) view of t
        HostBytes.Write(transposed, bytes);                  // row-major in the view's order
        using var back = transposed.contiguous();
        Assert.Equal(values, back.data<float>().ToArray());
        Assert.Equal(3f, t[0, 1].item<float>());             // view element (1, 0) = t[0, 1]

        Assert.Throws<ArgumentException>(() => HostBytes.Write(t, new byte[8]));
    }
}
