namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Asynchronous successive halving (ASHA, Li et al. 2020) on epochs. Rung k trains to
/// r_k = <see cref="MinEpochs"/>·η^k epochs (the last rung is exactly <see cref="MaxEpochs"/>). Whenever a rung holds n
/// finished trials, its best ⌊n/η⌋ may be promoted (each once) to the next rung; a promotion resumes from the
/// lower rung's checkpoint (<see cref="TrialRequest.ResumeFromTrialId"/>) and keeps the full schedule T =
/// <see cref="MaxEpochs"/>, so a low rung has not reached the final pruning sparsity s_f. When nothing can be promoted,
/// a new configuration is drawn at rung 0. Promotions are checked from the top rung down.
/// </summary>
public sealed class SuccessiveHalvingTuner : ITuner
{
    private readonly SweepSearchSpace _space;
    private readonly Random _random;
    private readonly List<Dictionary<string, (TrialRequest Request, TrialResult Result)>> _rungs;
    private readonly HashSet<string> _promoted = new(StringComparer.Ordinal);

    /// <summary>Creates an ASHA tuner.</summary>
    /// <exception cref="ArgumentOutOfRangeException">maxEpochs &lt; 1, minEpochs outside [1, maxEpochs], or reductionFactor &lt; 2.</exception>
    public SuccessiveHalvingTuner(SweepSearchSpace space, int maxEpochs, int minEpochs = 1, int reductionFactor = 3, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (maxEpochs < 1)
            throw new ArgumentOutOfRangeException(nameof(maxEpochs), maxEpochs, "maxEpochs must be ≥ 1.");
        if (minEpochs < 1 || minEpochs > maxEpochs)
            throw new ArgumentOutOfRangeException(nameof(minEpochs), minEpochs, $"minEpochs must be in [1, maxEpochs = {maxEpochs}].");
        if (reductionFactor < 2)
            throw new ArgumentOutOfRangeException(nameof(reductionFactor), reductionFactor, "reductionFactor (η) must be ≥ 2.");
        _space = space;
        _random = new Random(seed);
        MaxEpochs = maxEpochs;
        MinEpochs = minEpochs;
        ReductionFactor = reductionFactor;
        var budgets = new List<int>();
        for (long r = minEpochs; r < maxEpochs; r *= reductionFactor)
            budgets.Add((int)r);
        budgets.Add(maxEpochs);
        RungBudgets = budgets;
        _rungs = budgets.Select(_ => new Dictionary<string, (TrialRequest, TrialResult)>(StringComparer.Ordinal)).ToList();
    }

    /// <summary>The full schedule T (last rung's budget).</summary>
    public int MaxEpochs { get; }
    /// <summary>Budget of rung 0.</summary>
    public int MinEpochs { get; }
    /// <summary>η: a rung promotes its top 1/η.</summary>
    public int ReductionFactor { get; }
    /// <summary>Epoch budget of each rung, ascending; the last is <see cref="MaxEpochs"/>.</summary>
    public IReadOnlyList<int> RungBudgets { get; }

    /// <inheritdoc/>
    public TrialProposal? Propose()
    {
        for (int k = RungBudgets.Count - 2; k >= 0; k--)
        {
            var finished = _rungs[k].Values
                .Where(t => t.Result.Status == TrialStatus.Succeeded && double.IsFinite(t.Result.Objective))
                .OrderBy(t => t.Result.Objective)
                .ThenBy(t => t.Request.TrialId, StringComparer.Ordinal)
                .ToList();
            int quota = _rungs[k].Count / ReductionFactor;
            for (int i = 0; i < Math.Min(quota, finished.Count); i++)
            {
                var candidate = finished[i].Request;
                if (_promoted.Add(candidate.TrialId))
                    return new TrialProposal(candidate.Configuration, candidate.Seed, k + 1, RungBudgets[k + 1], MaxEpochs, candidate.TrialId);
            }
        }
        return new TrialProposal(_space.Sample(_random), _random.Next(), Rung: 0, EpochBudget: RungBudgets[0], MaxEpochs: MaxEpochs);
    }

    /// <inheritdoc/>
    public void Observe(TrialRequest request, TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Status == TrialStatus.Cancelled)
            return;
        if (request.MaxEpochs != MaxEpochs || request.Rung >= RungBudgets.Count || RungBudgets[request.Rung] != request.EpochBudget)
            return; // A trial of another schedule (e.g. an older sweep in the same results file): not ours to rank.
        _rungs[request.Rung][request.TrialId] = (request, result);
        if (request.ResumeFromTrialId is not null)
            _promoted.Add(request.ResumeFromTrialId);
    }
}
