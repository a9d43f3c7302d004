namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>The three ways the library runs a forecaster's forward pass.</summary>
public enum ForwardMode
{
    /// <summary><c>eval()</c>, <c>ForwardContext.Inference</c> under <c>torch.no_grad()</c> (prediction; the path of the oneDNN defect).</summary>
    Inference,
    /// <summary><c>train()</c>, <c>ForwardContext.ForTraining</c> with gradients enabled (as ForecastTrainer's steps; BatchNorm uses batch statistics).</summary>
    Training,
    /// <summary><c>eval()</c>, <c>ForwardContext.MonteCarloSample</c> under <c>torch.no_grad()</c> on one window repeated as a batch of samples (as MC prediction).</summary>
    MonteCarloSample,
}
