using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Runtime;

/// <summary>
/// A once-per-process check that libtorch's LSTM inference kernel computes the textbook LSTM cell on this CPU, run before
/// the first LSTM forecaster is built. See docs/reliability.md ("Right forecasts on every CPU").
/// </summary>
/// <remarks>
/// <para>
/// libtorch 2.10 runs <c>nn.LSTM</c> under <c>no_grad</c> on oneDNN's RNN primitive; on some AVX-512 CPUs its
/// <c>brgemm:avx512_core</c> implementation returns wrong hidden states for many shapes (hidden sizes such as 4, 8, 12, 16,
/// 48). The first guard is <see cref="NativeRuntime"/>'s ISA cap (<c>ONEDNN_MAX_CPU_ISA=AVX2</c>), which only takes effect
/// when it is set before oneDNN creates its first primitive. This check is the second: it compares 16 shapes (inputs 1 and
/// 7; hidden 4, 12, 16, 48; batch 1 and 64; 9 steps) with the cell computed by matrix products. If any differs, it turns
/// libtorch's oneDNN path off (<c>at::Context::setUserEnabledMkldnn(false)</c>, so the LSTM runs on ATen's own kernel, the one
/// libtorch uses with gradients) and checks again; if the LSTM is still wrong, or the switch is unavailable, it throws
/// rather than let a model forecast wrongly.
/// </para>
/// <para>
/// The check draws its inputs and weights from its own generator and restores libtorch's global random state, so it does not
/// change any fit's results. It costs a few milliseconds once per process.
/// </para>
/// </remarks>
internal static class RecurrentKernelCheck
{
    /// <summary>Largest |kernel − textbook| accepted (values are in [−1, 1]; the defect is 0.02–1.1, rounding ~1e-7).</summary>
    public const float Tolerance = 1e-4f;

    private static readonly object Gate = new();
    private static RecurrentKernelStatus? _status;

    /// <summary>The outcome of the check, or null before the first LSTM forecaster (or <see cref="EnsureVerified"/>) ran it.</summary>
    public static RecurrentKernelStatus? Status
    {
        get { lock (Gate) return _status; }
    }

    /// <summary>
    /// Runs the check once per process (later calls return the first outcome).
    /// </summary>
    /// <exception cref="InvalidOperationException">The LSTM kernel is wrong on this CPU and no correct kernel could be selected.</exception>
    public static RecurrentKernelStatus EnsureVerified()
    {
        lock (Gate)
        {
            if (_status is { } known) return known;
            NativeRuntime.EnsureInitialized();
            var status = Verify(MeasureWorstError, OneDnnSwitch.TrySetEnabled);
            _status = status;
            return status;
        }
    }

    /// <summary>
    /// Whether libtorch's oneDNN (mkldnn) path is enabled, read back from libtorch; null when it cannot be read on this
    /// platform (the switch is found only in the Linux/macOS build of libtorch).
    /// </summary>
    public static bool? OneDnnEnabled => OneDnnSwitch.TryGetEnabled();

    /// <summary>
    /// The decision logic, separated from libtorch so that the fallback can be tested on a CPU without the defect:
    /// <paramref name="measure"/> returns the worst error and the shape it occurred at; <paramref name="setOneDnnEnabled"/>
    /// switches libtorch's oneDNN path and returns false when the switch is unavailable.
    /// </summary>
    internal static RecurrentKernelStatus Verify(Func<(float Error, string Shape)> measure, Func<bool, bool> setOneDnnEnabled)
    {
        var (error, shape) = measure();
        if (error <= Tolerance) return RecurrentKernelStatus.Verified;
        string defect = string.Create(CultureInfo.InvariantCulture,
            $"libtorch's LSTM inference kernel differs from the textbook LSTM cell on this CPU by up to {error:G3} (at {shape}; ONEDNN_MAX_CPU_ISA={NativeRuntime.NativeOneDnnMaxCpuIsa ?? "unset"}).");
        if (!setOneDnnEnabled(false))
            throw new InvalidOperationException(defect + " The oneDNN path could not be switched off here. Start the process with ONEDNN_MAX_CPU_ISA=AVX2 in its environment (or use the library before any other TorchSharp LSTM code runs, so that it sets the cap itself).");
        var (after, afterShape) = measure();
        if (after > Tolerance)
            throw new InvalidOperationException(defect + string.Create(CultureInfo.InvariantCulture,
                $" With oneDNN off it still differs by {after:G3} (at {afterShape}); no correct LSTM kernel is available in this process."));
        Trace.TraceWarning(defect + " Switched libtorch's oneDNN path off for this process; LSTM forecasts are now exact (inference is slower). Set ONEDNN_MAX_CPU_ISA=AVX2 before the process starts to keep oneDNN with its AVX2 kernels.");
        return RecurrentKernelStatus.FellBackToAtenKernel;
    }

    /// <summary>The worst |nn.LSTM under no_grad − textbook cell| over the checked shapes.</summary>
    internal static (float Error, string Shape) MeasureWorstError()
    {
        const int steps = 9;
        var rngState = torch.get_rng_state();
        try
        {
            using var generator = new Generator(20261204, torch.CPU);
            float worst = 0;
            string worstShape = "";
            foreach (int input in new[] { 1, 7 })
            foreach (int hidden in new[] { 4, 12, 16, 48 })
            foreach (int batch in new[] { 1, 64 })
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                using var lstm = nn.LSTM(input, hidden, numLayers: 1, batchFirst: true);
                var parameters = lstm.named_parameters().ToDictionary(p => p.name, p => p.parameter);
                foreach (var p in parameters.Values) p.copy_(torch.rand(p.shape, generator: generator) * 0.8 - 0.4);
                var x = torch.randn(new long[] { batch, steps, input }, generator: generator);
                var kernel = lstm.forward(x, null).Item1;
                var reference = Textbook(x, parameters["weight_ih_l0"], parameters["weight_hh_l0"], parameters["bias_ih_l0"], parameters["bias_hh_l0"], hidden);
                float error = (kernel - reference).abs().max().item<float>();
                if (!(error <= worst))
                {
                    worst = float.IsNaN(error) ? float.PositiveInfinity : error;
                    worstShape = $"input {input}, hidden {hidden}, batch {batch}";
                }
            }
            return (worst, worstShape);
        }
        finally
        {
            torch.set_rng_state(rngState);
            rngState.Dispose();
        }
    }

    private static Tensor Textbook(Tensor x, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, int hidden)
    {
        long batch = x.shape[0], steps = x.shape[1];
        var h = torch.zeros(batch, hidden);
        var c = torch.zeros(batch, hidden);
        var outputs = new List<Tensor>();
        for (long t = 0; t < steps; t++)
        {
            var gates = x[.., t, ..].matmul(wIh.t()) + bIh + h.matmul(wHh.t()) + bHh;
            var chunks = gates.chunk(4, 1);
            c = chunks[1].sigmoid() * c + chunks[0].sigmoid() * chunks[2].tanh();
            h = chunks[3].sigmoid() * c.tanh();
            outputs.Add(h);
        }
        return torch.stack(outputs, 1);
    }

    /// <summary>libtorch's process-wide oneDNN switch (<c>at::globalContext().setUserEnabledMkldnn</c>), found by its exported C++ name.</summary>
    private static class OneDnnSwitch
    {
        private const string GlobalContext = "_ZN2at13globalContextEv";
        private const string SetEnabled = "_ZN2at7Context20setUserEnabledMkldnnEb";
        private const string GetEnabled = "_ZNK2at7Context17userEnabledMkldnnEv";

        public static bool TrySetEnabled(bool enabled)
        {
            if (!TryResolve(out var context, out var set, out _)) return false;
            unsafe { ((delegate* unmanaged<IntPtr, byte, void>)set)(context, enabled ? (byte)1 : (byte)0); }
            return TryGetEnabled() == enabled;
        }

        public static bool? TryGetEnabled()
        {
            if (!TryResolve(out var context, out _, out var get)) return null;
            unsafe { return ((delegate* unmanaged<IntPtr, byte>)get)(context) != 0; }
        }

        private static bool TryResolve(out IntPtr context, out IntPtr set, out IntPtr get)
        {
            context = set = get = IntPtr.Zero;
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return false; // the names are Itanium C++ ABI
            using (torch.zeros(1)) { } // make sure TorchSharp has loaded libtorch
            string library = OperatingSystem.IsLinux() ? "libtorch_cpu.so" : "libtorch_cpu.dylib";
            if (!NativeLibrary.TryLoad(library, typeof(torch).Assembly, null, out var handle)) return false;
            if (!NativeLibrary.TryGetExport(handle, GlobalContext, out var contextFn)
                || !NativeLibrary.TryGetExport(handle, SetEnabled, out set)
                || !NativeLibrary.TryGetExport(handle, GetEnabled, out get)) return false;
            unsafe { context = ((delegate* unmanaged<IntPtr>)contextFn)(); }
            return context != IntPtr.Zero;
        }
    }
}

/// <summary>Outcome of <see cref="RecurrentKernelCheck"/>.</summary>
internal enum RecurrentKernelStatus
{
    /// <summary>libtorch's LSTM inference kernel matched the textbook cell on every checked shape.</summary>
    Verified,

    /// <summary>The oneDNN kernel was wrong on this CPU; libtorch's oneDNN path was switched off and ATen's kernel matched.</summary>
    FellBackToAtenKernel,
}
