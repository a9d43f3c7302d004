namespace Microsoft.ML.SynapticPruning;

/// <summary>Shape of the cubic sparsity schedule.</summary>
public enum PruningCurve
{
    /// <summary>The paper's curve s = s_i + (s_f − s_i)·p³ (slow, then fast).</summary>
    Paper,
    /// <summary>Zhu &amp; Gupta (2017) s = s_f + (s_i − s_f)·(1 − p)³ (fast, then flattening), as TF-MOT/torch.ao.</summary>
    ZhuGupta,
}
