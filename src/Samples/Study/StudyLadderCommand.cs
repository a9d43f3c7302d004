namespace Samples.Study;

/// <summary>
/// <c>study --ladder</c>: runs every rung of <see cref="StudyLadder.Rungs"/> on each dataset (datasets in the order given,
/// all rungs of one dataset before the next), each as <c>study --rung NAME</c> into <c>DIR/{dataset}/{rung}/</c> (resumable like
/// any study folder), then writes the ladder report into <c>DIR</c> (<see cref="StudyLadderReport"/>) over every dataset
/// with rung folders there.
/// </summary>
public static class StudyLadderCommand
{
    /// <summary>The arguments of one rung's run: <paramref name="args"/> without <c>--ladder</c>, <c>--datasets</c> and
    /// <c>--out</c>, plus <c>--datasets {dataset} --rung {rung} --out DIR/{dataset}/{rung}</c>.</summary>
    public static string[] RungArguments(IReadOnlyList<string> args, string directory, string dataset, StudyLadderRung rung)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(rung);
        var rest = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--ladder") continue;
            if (args[i] is "--datasets" or "--out") { i++; continue; }
            rest.Add(args[i]);
        }
        rest.AddRange(["--datasets", dataset, "--rung", rung.Name, "--out", StudyLadderReport.RungDirectory(directory, dataset, rung)]);
        return [.. rest];
    }

    /// <summary>Runs the ladder (see the class summary).</summary>
    /// <param name="args">The <c>study</c> arguments (with <c>--ladder</c>).</param>
    /// <param name="options">Those arguments parsed (<see cref="StudyOptions.Ladder"/> set).</param>
    /// <param name="runnerFactory">As <see cref="StudyCommand.Run(string[], Func{IStudyTrialRunner}, TextWriter, TextWriter, bool, CancellationToken, StudyWorkers?)"/>.</param>
    /// <param name="output">Progress and verdict.</param>
    /// <param name="error">Error messages.</param>
    /// <param name="interactive">Live progress display.</param>
    /// <param name="cancellationToken">Stops the run; finished trials are kept.</param>
    /// <param name="workers">Worker processes for parallel trials, or null.</param>
    /// <returns>The exit code of the first rung that did not succeed, else <see cref="StudyCommand.Success"/>.</returns>
    public static int Run(IReadOnlyList<string> args, StudyOptions options, Func<IStudyTrialRunner> runnerFactory, TextWriter output, TextWriter error,
        bool interactive, CancellationToken cancellationToken, StudyWorkers? workers)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (!options.Ladder) throw new ArgumentException("The options do not ask for the ladder (--ladder).", nameof(options));
        int code = StudyCommand.Success;
        foreach (var dataset in options.Datasets)
        {
            foreach (var rung in StudyLadder.Rungs)
            {
                if (cancellationToken.IsCancellationRequested) { code = StudyCommand.Interrupted; break; }
                output.WriteLine($"== Ladder: {dataset}, rung {rung.Number}/{StudyLadder.Rungs.Count} ({rung.Name}): {rung.Change}");
                code = StudyCommand.Run(RungArguments(args, options.OutputDirectory, dataset, rung), runnerFactory, output, error, interactive, cancellationToken, workers);
                if (code != StudyCommand.Success) break;
            }
            if (code != StudyCommand.Success) break;
        }
        // Every dataset with rung folders in DIR, not only those of this run: running one dataset keeps the others in the report.
        var files = StudyLadderReport.Write(options.OutputDirectory, StudyLadder.Datasets, options.Lookbacks.Count, options.Seeds.Count);
        output.WriteLine($"Ladder report: {files.MarkdownPath}");
        output.WriteLine($"               {files.HtmlPath}");
        foreach (var (_, lines) in files.Verdicts)
            foreach (var line in lines) output.WriteLine("  " + line);
        return code;
    }
}
