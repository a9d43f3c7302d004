using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SynapticPruning.Runtime;

/// <summary>
/// Process-wide native settings that must be in place before libtorch loads. See docs/design.md ("Threads").
/// </summary>
/// <remarks>
/// libtorch uses GNU OpenMP. With the default (active) wait policy every parallel region spin-waits for worker
/// threads; on a busy 2-core machine that makes training steps up to 300x slower. <c>OMP_WAIT_POLICY</c> must be in
/// the <em>native</em> environment before libtorch is loaded, and .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// does not reach native <c>getenv</c> on Unix, so it is set through libc here, from a module initializer.
/// glibc also keeps freed memory; <see cref="TrimNativeHeap"/> returns it to the OS.
/// </remarks>
public static class NativeRuntime
{
    private static int _initialized;

#pragma warning disable CA2255 // deliberate: must run before any TorchSharp call
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void InitializeModule() => EnsureInitialized();

    /// <summary>Sets <c>OMP_WAIT_POLICY=PASSIVE</c> natively unless the user already set a policy. Idempotent.</summary>
    public static void EnsureInitialized()
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 1) return;
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        try
        {
            if (Marshal.PtrToStringAnsi(getenv("OMP_WAIT_POLICY")) is null)
                setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Non-glibc libc: nothing to do; libtorch keeps its default.
        }
    }

    /// <summary>The value of <c>OMP_WAIT_POLICY</c> in the native environment (null when unset or not on Unix).</summary>
    public static string? NativeOmpWaitPolicy
    {
        get
        {
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return null;
            try { return Marshal.PtrToStringAnsi(getenv("OMP_WAIT_POLICY")); }
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
