namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>How a trial ended.</summary>
public enum TrialStatus
{
    /// <summary>The trial trained and produced an objective.</summary>
    Succeeded,
    /// <summary>The trial threw or its worker failed; <see cref="TrialResult.Error"/> says why. Recorded, not retried.</summary>
    Failed,
    /// <summary>The trial was cancelled (sweep cancelled or deadline reached). Never recorded, so a resumed sweep reruns it.</summary>
    Cancelled,
}
