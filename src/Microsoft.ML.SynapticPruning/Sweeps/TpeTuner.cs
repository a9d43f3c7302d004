namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Tree-structured Parzen estimator (Bergstra et al. 2011) in its multivariate form (Falkner et al. 2018), every
/// trial at the full <see cref="MaxEpochs"/>. After <see cref="StartupTrials"/> random draws, the succeeded trials
/// are split at the γ-quantile of the objective into "good" and "bad". Each of <see cref="Candidates"/> candidates
/// is drawn from the good density l (a kernel around a random good trial, or the prior), and the candidate
/// maximising l(x)/g(x) is proposed. Densities are products over the candidate's active parameters: ranges in the
/// unit interval (log-scaled where the range is log) with Gaussian kernels (Scott bandwidth, floored at
/// 1/min(100, n + 1)), choices with an Aitchison–Aitken kernel, plus a uniform prior component of weight 1/(n + 1);
/// a parameter inactive in a kernel's trial contributes its prior density. Candidates violating a constraint are
/// redrawn; if none is found, a random configuration is used.
/// </summary>
public sealed class TpeTuner : ITuner
{
    private const double MinBandwidth = 0.03;
    private readonly SweepSearchSpace _space;
    private readonly Random _random;
    private readonly Dictionary<string, (Configuration Configuration, double Objective)> _observations = new(StringComparer.Ordinal);

    /// <summary>Creates a TPE tuner.</summary>
    /// <exception cref="ArgumentOutOfRangeException">maxEpochs &lt; 1, startupTrials &lt; 2, gamma outside (0, 1), or candidates &lt; 1.</exception>
    public TpeTuner(SweepSearchSpace space, int maxEpochs, int seed = 0, int startupTrials = 10, double gamma = 0.25, int candidates = 24)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (maxEpochs < 1)
            throw new ArgumentOutOfRangeException(nameof(maxEpochs), maxEpochs, "maxEpochs must be ≥ 1.");
        if (startupTrials < 2)
            throw new ArgumentOutOfRangeException(nameof(startupTrials), startupTrials, "startupTrials must be ≥ 2.");
        if (!(gamma > 0 && gamma < 1))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in (0, 1).");
        if (candidates < 1)
            throw new ArgumentOutOfRangeException(nameof(candidates), candidates, "candidates must be ≥ 1.");
        _space = space;
        _random = new Random(seed);
        MaxEpochs = maxEpochs;
        StartupTrials = startupTrials;
        Gamma = gamma;
        Candidates = candidates;
    }

    /// <summary>Epochs every trial trains for.</summary>
    public int MaxEpochs { get; }
    /// <summary>Random trials before the model is used. Default 10.</summary>
    public int StartupTrials { get; }
    /// <summary>Fraction of trials counted as good. Default 0.25.</summary>
    public double Gamma { get; }
    /// <summary>Draws from l per parameter. Default 24.</summary>
    public int Candidates { get; }

    /// <inheritdoc/>
    public TrialProposal? Propose()
    {
        Configuration configuration;
        if (_observations.Count < StartupTrials)
        {
            configuration = _space.Sample(_random);
        }
        else
        {
            var sorted = _observations.Values.OrderBy(o => o.Objective).ToArray();
            int nGood = Math.Max(1, (int)Math.Ceiling(Gamma * sorted.Length));
            var good = sorted.Take(nGood).Select(o => o.Configuration).ToArray();
            var bad = sorted.Skip(nGood).Select(o => o.Configuration).ToArray();
            var l = new Estimator(_space, good);
            var g = new Estimator(_space, bad);
            configuration = null!;
            double bestScore = double.NegativeInfinity;
            for (int i = 0, attempts = 0; i < Candidates && attempts < 100 * Candidates; attempts++)
            {
                var c = l.Draw(_random);
                if (_space.Violated(c) is not null)
                    continue;
                i++;
                double score = l.LogDensity(c) - g.LogDensity(c);
                if (score > bestScore)
                {
                    bestScore = score;
                    configuration = c;
                }
            }
            configuration ??= _space.Sample(_random);
        }
        return new TrialProposal(configuration, _random.Next(), Rung: 0, EpochBudget: MaxEpochs, MaxEpochs: MaxEpochs);
    }

    /// <inheritdoc/>
    public void Observe(TrialRequest request, TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Status != TrialStatus.Succeeded || !double.IsFinite(result.Objective) || request.EpochBudget != MaxEpochs)
            return; // failed trials and partial-budget trials are not comparable
        _observations[request.TrialId] = (request.Configuration, result.Objective);
    }

    /// <summary>A Parzen estimator over configurations: kernels around points plus a uniform prior component.</summary>
    private sealed class Estimator
    {
        private readonly SweepSearchSpace _space;
        private readonly Configuration[] _points;
        private readonly Dictionary<string, double> _bandwidth = new(StringComparer.Ordinal);
        private readonly double _categoricalFlip;

        public Estimator(SweepSearchSpace space, Configuration[] points)
        {
            _space = space;
            _points = points;
            // Aitchison–Aitken kernel for choices: keep the point's value with probability 1 − ε.
            _categoricalFlip = Math.Max(0.1, 1.0 / (points.Length + 1));
            foreach (var p in space.Parameters.Where(p => p is not Choice))
            {
                var u = points.Where(c => c.Contains(p.Name)).Select(c => p.ToUnit(c[p.Name])).ToArray();
                double floor = 1.0 / Math.Min(100, u.Length + 1);
                double h = 0.5;
                if (u.Length >= 2)
                {
                    double mean = u.Average();
                    double std = Math.Sqrt(u.Sum(x => (x - mean) * (x - mean)) / (u.Length - 1));
                    h = 1.06 * std * Math.Pow(u.Length, -0.2);
                }
                _bandwidth[p.Name] = Math.Clamp(h, Math.Max(floor, MinBandwidth), 1.0);
            }
        }

        public int Count => _points.Length;

        /// <summary>Draws a configuration: a random point's kernel (or, with weight 1/(n+1), the prior).</summary>
        public Configuration Draw(Random random)
        {
            int k = random.Next(_points.Length + 1);
            var center = k == _points.Length ? null : _points[k];
            return _space.Build(p =>
            {
                if (center is null || !center.TryGetValue(p.Name, out var v))
                    return p.Sample(random);
                if (p is Choice choice)
                    return random.NextDouble() < _categoricalFlip ? choice.Values[random.Next(choice.Values.Count)] : v;
                return p.FromUnit(Math.Clamp(p.ToUnit(v) + _bandwidth[p.Name] * Gaussian(random), 0, 1));
            });
        }

        /// <summary>Log density of <paramref name="x"/> (uniform prior weight 1/(n+1), each kernel weight 1/(n+1)).</summary>
        public double LogDensity(Configuration x)
        {
            double prior = PriorDensity(x);
            double sum = prior;
            foreach (var point in _points)
            {
                double k = 1;
                foreach (var (name, value) in x)
                {
                    var p = _space[name];
                    if (!point.TryGetValue(name, out var pv))
                    {
                        k *= p is Choice c0 ? 1.0 / c0.Values.Count : 1.0;
                        continue;
                    }
                    if (p is Choice choice)
                    {
                        int n = choice.Values.Count;
                        k *= n == 1 ? 1 : value == pv ? 1 - _categoricalFlip + _categoricalFlip / n : _categoricalFlip / n;
                    }
                    else
                    {
                        double h = _bandwidth[name];
                        double z = (p.ToUnit(value) - p.ToUnit(pv)) / h;
                        k *= Math.Exp(-0.5 * z * z) / (h * Math.Sqrt(2 * Math.PI));
                    }
                }
                sum += k;
            }
            return Math.Log(sum / (_points.Length + 1));
        }

        private double PriorDensity(Configuration x)
        {
            double d = 1;
            foreach (var name in x.Keys)
            {
                if (_space[name] is Choice c)
                    d /= c.Values.Count;
            }
            return d;
        }
    }

    private static double Gaussian(Random random)
    {
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
