using Xunit;

namespace SynapticPruning.Study.Tests;

/// <summary>Tests that use TorchSharp run serially (libtorch's generator and thread count are process-wide).</summary>
[CollectionDefinition("Torch", DisableParallelization = true)]
public class TorchCollection
{
}
