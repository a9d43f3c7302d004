using System.Runtime.InteropServices;
using Microsoft.ML.SynapticPruning.Runtime;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Runtime;

/// <summary>The native settings the library makes before libtorch runs: thread wait policy and the oneDNN ISA cap.</summary>
[Collection("Torch")]
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

    [Fact]
    public void OneDnnIsaIsCappedAtAvx2InTheNativeEnvironmentUnlessTheUserChoseACap()
    {
        NativeRuntime.EnsureInitialized();
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !(OperatingSystem.IsLinux() || OperatingSystem.IsWindows())) return;
        // .NET's view of the environment is the one the process started with; a user's own cap must be left as it was.
        string? userCap = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA");
        Assert.Equal(userCap ?? NativeRuntime.OneDnnIsaCap, NativeRuntime.NativeOneDnnMaxCpuIsa);
    }
}
