using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests;

/// <summary>Tests that use TorchSharp run serially (libtorch's generator and thread count are process-wide).</summary>
[CollectionDefinition("Torch", DisableParallelization = true)]
public class TorchCollection
{
}
