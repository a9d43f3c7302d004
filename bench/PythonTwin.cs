using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SynapticPruning.Bench;

/// <summary>
/// The PyTorch twin (bench/python/twin.py) as a child process of /usr/bin/python3 with OPENBLAS_NUM_THREADS=1 and
/// OMP_WAIT_POLICY=PASSIVE; "run K" runs K steps and "epoch T" one epoch on T threads, each returning the seconds the
/// script measured itself.
/// </summary>
internal sealed class PythonTwin : IDisposable
{
    public const string Python = "/usr/bin/python3";
    private readonly Process _process;

    private PythonTwin(Process process, JsonElement ready)
    {
        _process = process;
        Ready = ready;
    }

    public JsonElement Ready { get; }

    public string TorchVersion => Ready.GetProperty("torch").GetString() ?? "?";

    public long Parameters => Ready.GetProperty("parameters").GetInt64();

    /// <summary>Null when /usr/bin/python3 cannot import torch; otherwise the reason is in <paramref name="why"/>.</summary>
    public static bool Available(out string why)
    {
        if (!File.Exists(Python)) { why = $"{Python} does not exist"; return false; }
        try
        {
            var psi = new ProcessStartInfo(Python, "-c \"import torch; print(torch.__version__)\"")
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd().Trim();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            why = p.ExitCode == 0 ? output : $"{Python} cannot import torch (install Debian's python3-torch: apt-get install -y python3-torch)";
            return p.ExitCode == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            why = $"{Python} could not be started: {e.Message}";
            return false;
        }
    }

    public static PythonTwin Start(string arguments, int threads)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "python", "twin.py");
        var psi = new ProcessStartInfo(Python, $"-u \"{script}\" --threads {threads} {arguments}")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false,
        };
        psi.Environment["OPENBLAS_NUM_THREADS"] = "1";
        psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start.");
        string? line = process.StandardOutput.ReadLine();
        if (line is null || !line.StartsWith('{'))
            throw new InvalidOperationException($"The PyTorch twin failed to start: {line ?? "(no output)"}");
        return new PythonTwin(process, JsonDocument.Parse(line).RootElement.Clone());
    }

    /// <summary>Runs <paramref name="steps"/> steps in Python; returns Python's own elapsed seconds.</summary>
    public double Run(int steps)
    {
        _process.StandardInput.WriteLine($"run {steps}");
        _process.StandardInput.Flush();
        string line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The PyTorch twin exited.");
        var parts = line.Split(' ');
        if (parts[0] != "done") throw new InvalidOperationException($"Unexpected twin output: {line}");
        return double.Parse(parts[1], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Runs one epoch in Python on <paramref name="threads"/> intra-op threads at <paramref name="learningRate"/> (one
    /// shuffled pass over every training window, then the no-grad validation pass); returns Python's own elapsed seconds
    /// and its train and validation losses.
    /// </summary>
    public (double Seconds, double TrainLoss, double ValidationLoss) Epoch(int threads, double learningRate)
    {
        _process.StandardInput.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {threads} {learningRate:R}"));
        _process.StandardInput.Flush();
        string line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The PyTorch twin exited.");
        var parts = line.Split(' ');
        if (parts[0] != "done" || parts.Length < 4) throw new InvalidOperationException($"Unexpected twin output: {line}");
        static double At(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
        return (At(parts[1]), At(parts[2]), At(parts[3]));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(10_000)) _process.Kill();
            }
        }
        catch (IOException) { }
        _process.Dispose();
    }
}
