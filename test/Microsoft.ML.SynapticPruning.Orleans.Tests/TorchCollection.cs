using Xunit;

namespace Microsoft.ML.SynapticPruning.Orleans.Tests;

/// <summary>Tests that use TorchSharp or a test cluster never run in parallel.</summary>
[CollectionDefinition("Torch", DisableParallelization = true)]
public class TorchCollection
{
}
