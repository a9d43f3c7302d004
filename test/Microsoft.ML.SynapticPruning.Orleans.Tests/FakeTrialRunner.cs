using Microsoft.ML.SynapticPruning.Sweeps;
using Orleans.Runtime;

namespace Microsoft.ML.SynapticPruning.Orleans.Tests;

/// <summary>
/// A short fake trial: sleeps 150–300 ms (from the trial id), observing cancellation, and returns the configuration's
/// "x" as the objective. Records its start and concurrency in <see cref="TrialLog"/> under its silo.
/// </summary>
internal sealed class FakeTrialRunner(ILocalSiloDetails silo) : ITrialRunner
{
    private readonly string _silo = silo.SiloAddress.ToParsableString();

    public static int DelayMilliseconds(string trialId) => 150 + (int)(Convert.ToUInt32(trialId[..4], 16) % 151);

    public TrialResult Run(TrialRequest trial, CancellationToken cancellationToken)
    {
        TrialLog.Start(_silo, trial.TrialId);
        try
        {
            if (cancellationToken.WaitHandle.WaitOne(DelayMilliseconds(trial.TrialId)))
                cancellationToken.ThrowIfCancellationRequested();
            return TrialResult.Succeeded(trial.TrialId, trial.Configuration.GetDouble("x"), epochsRun: trial.EpochBudget);
        }
        finally
        {
            TrialLog.End(_silo);
        }
    }
}
