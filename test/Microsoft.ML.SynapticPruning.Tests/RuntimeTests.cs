using Microsoft.ML.SynapticPruning.Runtime;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests;

public class RuntimeTests
{
    [Fact]
    public void TorchSharpLoadsAndComputes()
    {
        NativeRuntime.EnsureInitialized();
        using var a = torch.ones(3, 4);
        using var b = a.sum();
        Assert.Equal(12f, b.item<float>());
    }

    [Fact]
    public void OmpWaitPolicyIsPassiveInNativeEnvironment()
    {
        NativeRuntime.EnsureInitialized();
        if (!OperatingSystem.IsLinux()) return;
        Assert.Equal("PASSIVE", NativeRuntime.NativeOmpWaitPolicy);
    }
}
