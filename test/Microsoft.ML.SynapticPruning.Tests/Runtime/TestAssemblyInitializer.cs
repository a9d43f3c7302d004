using System.Runtime.CompilerServices;
using Microsoft.ML.SynapticPruning.Runtime;

namespace Microsoft.ML.SynapticPruning.Tests.Runtime;

/// <summary>
/// Sets the library's native environment (OMP_WAIT_POLICY, the oneDNN ISA cap) when the test assembly loads, before any
/// test calls TorchSharp directly: oneDNN reads its ISA cap once, at its first primitive, so a test that ran an LSTM
/// before touching the library would otherwise run the rest of the suite without the guard.
/// </summary>
internal static class TestAssemblyInitializer
{
#pragma warning disable CA2255 // deliberate: must run before any TorchSharp call in the test process
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => NativeRuntime.EnsureInitialized();
}
