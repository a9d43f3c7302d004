using Samples.Study;

namespace SynapticPruning.Study.Tests.Cli;

/// <summary>
/// A trial runner without training: MAE = naive MAE × a per-method factor × a small seed- and block-dependent
/// perturbation; pruned arms report a sparsity history and per-layer sparsity. The naive MAE is computed for real
/// from the dataset's test windows, so the relative-to-naive statements are meaningful.
/// </summary>
internal sealed class FakeStudyRunner : IStudyTrialRunner
{
    private readonly Func<StudyTrial, double> _factor;
    private readonly Action<StudyTrial>? _onRun;
    private int _calls;

    public FakeStudyRunner(Func<StudyTrial, double>? factor = null, Action<StudyTrial>? onRun = null)
    {
        _factor = factor ?? DefaultFactor;
        _onRun = onRun;
    }

    public List<string> RunIds { get; } = [];

    public int Calls => _calls;

    /// <summary>Pruning 10% below naive, the other arms 2–5% above, baselines near naive.</summary>
    public static double DefaultFactor(StudyTrial t) => t.Method switch
    {
        StudyMethods.Pruning => 0.90,
        StudyMethods.PruningZhuGupta => 0.93,
        StudyMethods.PruningStructured => 0.94,
        StudyMethods.None => 1.05,
        StudyMethods.Dropout => 1.03,
        StudyMethods.McDropout => 1.02,
        StudyMethods.Naive => 1.0,
        StudyMethods.SeasonalNaive => 1.4,
        StudyMethods.DLinear => 1.01,
        _ => 1.08,
    };

    public StudyTrialResult Run(StudyTrial trial, StudyDataset data, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _onRun?.Invoke(trial);
        cancellationToken.ThrowIfCancellationRequested();
        _calls++;
        RunIds.Add(trial.Id);
        var split = data.GetSplit(trial.Lookback, trial.Horizon, trial.Fold);
        var y = data.Target;
        double naive = 0;
        int n = 0;
        foreach (int t in split.TestOrigins)
            for (int h = 1; h <= trial.Horizon; h++) { naive += Math.Abs(y[t + h] - y[t]); n++; }
        naive /= n;
        // Deterministic perturbation from the id: ±2%.
        double jitter = 1 + ((int)(StableHash(trial.Id) % 401) - 200) / 10000.0;
        double mae = trial.Method == StudyMethods.Naive ? naive : naive * _factor(trial) * jitter;
        var actual = split.TestOrigins.Select(t => (float)y[t + 1]).ToArray();
        var forecast = actual.Select((a, i) => a + (float)((i % 7 - 3) * mae / 3)).ToArray();
        bool pruned = trial.IsPruned;
        int epochs = trial.IsBaseline && trial.Method != StudyMethods.DLinear ? 0 : Math.Max(1, trial.MaxEpochs - 2);
        var history = pruned
            ? Enumerable.Range(0, epochs).Select(e => new SparsityPoint(e, e < 2 ? 0 : Schedule(trial.PruningCurve, (e - 2.0) / Math.Max(1, trial.MaxEpochs - 3)))).ToList()
            : [];
        double final = pruned ? history[^1].Sparsity : 0;
        return new StudyTrialResult
        {
            Mae = mae,
            Rmse = mae * 1.3,
            Mape = 2.5,
            NaiveMae = naive,
            TrainSeconds = 0.01,
            EpochsRun = epochs,
            FinalSparsity = final,
            LayerSparsity = pruned
                ? new Dictionary<string, double> { ["encoder.weight_ih"] = final * 0.8, ["encoder.weight_hh"] = Math.Min(1, final * 1.2), ["head.weight"] = final }
                : new Dictionary<string, double>(),
            SparsityHistory = history,
            TestActual = actual,
            TestForecast = forecast,
        };
    }

    private static double Schedule(StudyPruningCurve curve, double p) => curve == StudyPruningCurve.ZhuGupta
        ? 0.7 + (0.3 - 0.7) * Math.Pow(1 - p, 3)
        : 0.3 + 0.4 * Math.Pow(p, 3);

    private static uint StableHash(string s)
    {
        uint h = 2166136261;
        foreach (char ch in s) { h ^= ch; h *= 16777619; }
        return h;
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sp-study-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The path of a file named <paramref name="name"/> in the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
