using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.MLNet.Internals;

[assembly: LoadableClass(typeof(PrunedForecastingTransformer), typeof(PrunedForecastingLoader), null, typeof(SignatureLoadModel),
    "Synaptic pruning forecaster", PrunedForecastingTransformer.LoaderSignature)]

namespace Microsoft.ML.SynapticPruning.MLNet.Internals;

/// <summary>The loader ML.NET finds through the <c>LoadableClass</c> registration when it reads a .zip.</summary>
internal static class PrunedForecastingLoader
{
    // Called by ML.NET (SignatureLoadModel).
    private static PrunedForecastingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        => PrunedForecastingTransformer.Create(env, ctx);
}
