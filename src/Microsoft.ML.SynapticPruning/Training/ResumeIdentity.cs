using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>What a resume state must match: architecture (spec and parameter shapes), seed, schedule and the settings that shape the trajectory.</summary>
internal sealed record ResumeIdentity(ForecasterSpec Spec, string Parameters, int Seed, int MaxEpochs, string Settings, string Data)
{
    public static ResumeIdentity Create(nn.Module module, ForecasterSpec spec, TrainingOptions o, SplitPlan plan, int trainWindows)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string parameters = string.Join(";", module.state_dict().Select(kv => kv.Key + "[" + string.Join(",", kv.Value.shape) + "]"));
        var p = o.Pruning;
        string settings = string.Join("|", o.Regularization, o.BatchSize.ToString(inv), o.LearningRate.ToString("R", inv), o.Beta1.ToString("R", inv),
            o.Beta2.ToString("R", inv), o.Patience.ToString(inv), o.EarlyStopping, o.RestoreFrom, o.ShuffleTrainingWindows, o.ConstantLearningRateEpochs.ToString(inv),
            o.LearningRateGamma.ToString("R", inv), o.FirstEpochLearningRateFactor.ToString("R", inv), o.GradientClipNorm?.ToString("R", inv) ?? "-", o.DropoutRate.ToString("R", inv),
            o.Regularization.UsesPruning() && p is not null
                ? string.Join(",", p.InitialSparsity.ToString("R", inv), p.FinalSparsity.ToString("R", inv), p.WarmupEpochs.ToString(inv),
                    p.PruningInterval.ToString(inv), p.PruningGranularity == PruningGranularity.Structure ? $"{p.PruningGranularity}/{p.StructureImportance}" : p.PruningGranularity.ToString(),
                    o.PruningSchedule?.GetType().Name ?? "cubic")
                : "-");
        string data = string.Join("|", trainWindows.ToString(inv), plan.Train, plan.Validation, plan.Calibration, plan.ScalerRows.ToString(inv));
        return new ResumeIdentity(spec with { LayerHiddenSizes = null, LayerHeadSlots = null, LayerFeedForward = null }, parameters, o.Seed, o.MaxEpochs, settings, data);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first difference.</summary>
    public void EnsureMatches(ResumeIdentity current)
    {
        if (Seed != current.Seed)
            throw Mismatch($"seed {Seed}", $"Seed = {current.Seed}");
        if (MaxEpochs != current.MaxEpochs)
            throw Mismatch($"MaxEpochs = {MaxEpochs}", $"MaxEpochs = {current.MaxEpochs}");
        if (Spec != current.Spec || Parameters != current.Parameters)
            throw Mismatch($"architecture {Spec.Kind} ({Parameters})", $"architecture {current.Spec.Kind} ({current.Parameters})");
        if (Settings != current.Settings)
            throw Mismatch($"training settings {Settings}", $"settings {current.Settings}");
        if (Data != current.Data)
            throw Mismatch($"data split {Data}", $"data split {current.Data}");
    }

    private static ArgumentException Mismatch(string saved, string current)
        => new($"TrainingOptions.ResumeFrom was captured from a run with {saved}, but this fit has {current}. Resume only with the options, module and data of the run that produced the state.", "ResumeFrom");
}
