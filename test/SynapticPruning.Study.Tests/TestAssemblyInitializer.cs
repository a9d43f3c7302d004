using System.Runtime.CompilerServices;
using Microsoft.ML.SynapticPruning.Runtime;

namespace SynapticPruning.Study.Tests;

/// <summary>
/// Sets the library's native environment (OMP_WAIT_POLICY, the oneDNN ISA cap) when the test assembly loads, before any
/// test calls TorchSharp directly, as the library's test assembly does.
/// </summary>
internal static class TestAssemblyInitializer
{
#pragma warning disable CA2255 // deliberate: must run before any TorchSharp call in the test process
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => NativeRuntime.EnsureInitialized();
}
