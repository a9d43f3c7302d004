using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SynapticPruning.Runtime;

/// <summary>
/// Process-wide native settings that must be in place before libtorch loads. See docs/design.md ("Threads") and
/// docs/reliability.md ("Right forecasts on every CPU").
/// </summary>
/// <remarks>
/// <para>
/// libtorch 2.10's oneDNN RNN primitive for AVX-512 (<c>brgemm:avx512_core</c>, used by <c>nn.LSTM</c> under
/// <c>no_grad</c>) returns wrong hidden states for many shapes on some AVX-512 CPUs. The initializer therefore caps oneDNN
/// at AVX2 (<c>ONEDNN_MAX_CPU_ISA=AVX2</c>) on x64 unless the user already set <c>ONEDNN_MAX_CPU_ISA</c> or
/// <c>DNNL_MAX_CPU_ISA</c> (<c>ONEDNN_MAX_CPU_ISA=ALL</c> turns the guard off). oneDNN reads the variable once, when it
/// creates its first primitive, so it must be set before any LSTM runs in the process;
/// <see cref="RecurrentKernelCheck"/> verifies the kernel actually in use.
/// </para>
/// libtorch uses GNU OpenMP. With the default (active) wait policy every parallel region spin-waits for worker
/// threads; on a busy 2-core machine that makes training steps up to 300x slower. <c>OMP_WAIT_POLICY</c> must be in
/// the <em>native</em> environment before libtorch is loaded, and .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// does not reach native <c>getenv</c> on Unix, so it is set through libc here, from a module initializer.
/// glibc also keeps freed memory; <see cref="TrimNativeHeap"/> returns it to the OS.
/// </remarks>
internal static class NativeRuntime
{
    private static int _initialized;

#pragma warning disable CA2255 // deliberate: must run before any TorchSharp call
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void InitializeModule() => EnsureInitialized();

    /// <summary>The ISA cap the library sets for oneDNN on x64 (see the remarks).</summary>
    public const string OneDnnIsaCap = "AVX2";

    /// <summary>
    /// Sets <c>OMP_WAIT_POLICY=PASSIVE</c> and, on x64, <c>ONEDNN_MAX_CPU_ISA=AVX2</c> natively unless the user already set
    /// them. Idempotent; runs from the library's module initializer, before any of its TorchSharp calls.
    /// </summary>
    public static void EnsureInitialized()
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 1) return;
        bool capIsa = RuntimeInformation.ProcessArchitecture == Architecture.X64;
        if (OperatingSystem.IsWindows())
        {
            // oneDNN reads its variables with GetEnvironmentVariable on Windows, which sees the process block .NET writes.
            if (capIsa && Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") is null && Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA") is null)
                Environment.SetEnvironmentVariable("ONEDNN_MAX_CPU_ISA", OneDnnIsaCap);
            return;
        }
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        try
        {
            if (NativeGetenv("OMP_WAIT_POLICY") is null)
                setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
            if (capIsa && NativeGetenv("ONEDNN_MAX_CPU_ISA") is null && NativeGetenv("DNNL_MAX_CPU_ISA") is null)
                setenv("ONEDNN_MAX_CPU_ISA", OneDnnIsaCap, 1);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Non-glibc libc: nothing to do; libtorch keeps its defaults (RecurrentKernelCheck still guards the LSTM).
        }
    }

    /// <summary>
    /// The oneDNN ISA cap in the native environment (<c>ONEDNN_MAX_CPU_ISA</c>, else the legacy <c>DNNL_MAX_CPU_ISA</c>);
    /// null when neither is set. On x64 this is <see cref="OneDnnIsaCap"/> unless the user chose another value.
    /// </summary>
    public static string? NativeOneDnnMaxCpuIsa
    {
        get
        {
            if (OperatingSystem.IsWindows())
                return Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA");
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return null;
            try { return NativeGetenv("ONEDNN_MAX_CPU_ISA") ?? NativeGetenv("DNNL_MAX_CPU_ISA"); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
        }
    }

    private static string? NativeGetenv(string name) => Marshal.PtrToStringAnsi(getenv(name));

    /// <summary>The value of <c>OMP_WAIT_POLICY</c> in the native environment (null when unset or not on Unix).</summary>
    public static string? NativeOmpWaitPolicy
    {
        get
        {
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return null;
            try { return NativeGetenv("OMP_WAIT_POLICY"); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
        }
    }

    /// <summary>Returns freed native heap memory to the OS (glibc <c>malloc_trim(0)</c>); a no-op elsewhere.</summary>
    public static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { malloc_trim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    /// <summary>
    /// Resident set size of this process in MB (Linux <c>VmRSS</c>) after a full garbage collection and
    /// <see cref="TrimNativeHeap"/>, so that freed managed and native memory is not counted; NaN on other systems.
    /// </summary>
    public static double ResidentMemoryMegabytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        TrimNativeHeap();
        if (!OperatingSystem.IsLinux()) return double.NaN;
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv([MarshalAs(UnmanagedType.LPStr)] string name, [MarshalAs(UnmanagedType.LPStr)] string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr getenv([MarshalAs(UnmanagedType.LPStr)] string name);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
