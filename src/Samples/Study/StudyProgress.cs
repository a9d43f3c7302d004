using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Samples.Study;

/// <summary>Receives progress events of the trial loop.</summary>
public interface IStudyProgressSink
{
    /// <summary>A trial starts.</summary>
    void Started(StudyTrial trial, int index);

    /// <summary>A trial finished (<paramref name="result"/> set) or failed (<paramref name="error"/> set).</summary>
    void Finished(StudyTrial trial, int index, double seconds, StudyTrialResult? result, string? error);
}

/// <summary>
/// Shows the trial loop's progress: a live Spectre.Console display (trials done/remaining, ETA, the trials running now) on an
/// interactive terminal, plain lines otherwise (redirected output, CI).
/// </summary>
public static class StudyProgress
{
    /// <summary>Runs <paramref name="body"/> with a progress sink for <paramref name="count"/> trials.</summary>
    /// <param name="output">Where plain lines go.</param>
    /// <param name="interactive">Use the live display (only when the output is a terminal).</param>
    /// <param name="count">Trials to run now.</param>
    /// <param name="body">The trial loop.</param>
    public static void Run(TextWriter output, bool interactive, int count, Action<IStudyProgressSink> body)
    {
        if (!interactive || count == 0)
        {
            body(new PlainSink(output, count));
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("starting", maxValue: count);
                body(new LiveSink(task, count));
                task.Description = $"[green]{count} trial(s) processed[/]";
            });
    }

    /// <summary>Formats an ETA.</summary>
    public static string FormatDuration(double seconds)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds)) return "?";
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:00}s" : $"{t.Seconds}s";
    }

    private sealed class PlainSink(TextWriter output, int count) : IStudyProgressSink
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _done;

        public void Started(StudyTrial trial, int index) { }

        public void Finished(StudyTrial trial, int index, double seconds, StudyTrialResult? result, string? error)
        {
            _done++;
            double eta = _clock.Elapsed.TotalSeconds / _done * (count - _done);
            string what = result is not null
                ? string.Format(CultureInfo.InvariantCulture, "MAE {0:G5} (naive {1:G5}), {2:0.0}s", result.Mae, result.NaiveMae, seconds)
                : $"FAILED: {error}";
            output.WriteLine($"[{_done}/{count}] ETA {FormatDuration(eta)}  {trial.Id}: {what}");
            output.Flush();
        }
    }

    private sealed class LiveSink(ProgressTask task, int count) : IStudyProgressSink
    {
        private readonly List<StudyTrial> _running = [];
        private int _done;

        public void Started(StudyTrial trial, int index)
        {
            _running.Add(trial);
            Describe();
        }

        public void Finished(StudyTrial trial, int index, double seconds, StudyTrialResult? result, string? error)
        {
            _done++;
            _running.Remove(trial);
            task.Increment(1);
            Describe();
            if (error is not null)
                AnsiConsole.MarkupLine($"[red]failed[/] {Markup.Escape(trial.Id)}: {Markup.Escape(error)}");
        }

        // Done/total, then the trials running now (several with --parallel).
        private void Describe() =>
            task.Description = $"[bold]{_done}/{count}[/] [grey]{Markup.Escape(string.Join(" | ", _running.Select(t => $"{t.Dataset} {t.Model} {t.Method} L{t.Lookback} H{t.Horizon} s{t.Seed}")))}[/]";
    }
}
