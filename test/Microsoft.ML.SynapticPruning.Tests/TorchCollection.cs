using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests;

/// <summary>Tests that use TorchSharp run one at a time (global seed, 2 shared cores).</summary>
[CollectionDefinition("Torch", DisableParallelization = true)]
public class TorchCollection
{
}
