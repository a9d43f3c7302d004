using Samples.Commands;

namespace Samples;

/// <summary>Entry point: runnable samples and the study CLI of SynapticPruning.ML.</summary>
public static class Program
{
    private static readonly (string Name, string Help, Func<string[], int> Run)[] Commands =
    {
        ("study", "Reproduce and test the paper's claims (synaptic pruning vs none/dropout/MC dropout) with statistics, plots and a report. `study --help` lists the options; `study --quick` is the 10-minute smoke run.", args => Study.StudyCommand.Run(args, () => new Study.TrainingStudyRunner(), Study.StudyWorkers.ThisProgram())),
        (Study.StudyWorker.CommandName, "Worker process of a parallel study run (started by study; same options as study): one trial id per stdin line, one result line back.", args => Study.StudyWorker.Run(args, () => new Study.TrainingStudyRunner())),
        ("demo", "Train a pruned LSTM on the bundled Bitcoin data (ML.NET API); print MAE vs naive and the final sparsity.", DemoCommand.Run),
        ("forecast", "Load a saved model (.zip) in a fresh process and print its forecasts for the last rows (exact bits). Options: --model FILE --data CSV --rows N --column NAME", ForecastCommand.Run),
        ("accuracy", "ETTh1 benchmark (L=336, H=96, multivariate) for PatchTST and DLinear; writes docs/accuracy.md. Options: --dataset etth1 --epochs N --dlinear-epochs N --dlinear-seeds N (5) --with-pruning --smoke --out FILE", AccuracyCommand.Run),
        ("sweep", SweepCommand.Help, SweepCommand.Run),
        ("trial-worker", "Worker process of sweep (parallel by default): one trial request (JSON) per stdin line, one result line back.", TrialWorkerCommand.Run),
        ("cpu-check", CpuCheckCommand.Help, CpuCheckCommand.Run),
        ("soak", "Resource soak: repeated fit/save/load/forecast of a tiny LSTM, printing RSS at checkpoints. Options: --iterations N (1000) --every N (100) --max-growth-mb MB (60)", SoakCommand.Run),
        ("structured", "Structured pruning figures: compacted vs dense inference speed, .zip sizes, Bitcoin accuracy (dense/unstructured/structured). Options: --rounds N --seeds N --epochs N --threads N --models lstm,gru,patchtst --importance group-relative,absolute --no-speed --no-accuracy --no-scoring --out FILE", StructuredBenchCommand.Run),
        ("worker", "Cluster node: an Orleans silo with sweep coordinators and a trial worker. Options: --cluster localhost|REDIS --instance I --slots N", WorkerCommand.Run),
        ("cluster-sweep", "Random-search sweep of small LSTM trials on the cluster (docs/distributed.md). Options: --cluster localhost|REDIS --sweep-id ID --trials N --epochs E --results FILE", ClusterSweepCommand.Run),
    };

    /// <summary>Runs the command named by the first argument.</summary>
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintHelp();
            return args.Length == 0 ? 1 : 0;
        }
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command.Run is null)
        {
            Console.Error.WriteLine($"Unknown command '{args[0]}'.");
            PrintHelp();
            return 2;
        }
        try
        {
            return command.Run(args[1..]);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or FileNotFoundException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static void PrintHelp()
    {
        Console.WriteLine("usage: dotnet run -c Release --project src/Samples -- <command> [options]");
        foreach (var c in Commands) Console.WriteLine($"  {c.Name,-10} {c.Help}");
    }
}
