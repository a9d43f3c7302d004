using System.Globalization;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests;

/// <summary>
/// Float comparisons where the library does not promise equal bits: the same network on a different batch blocking (a block of
/// 256 windows vs one window, or 7 + 269) runs GEMM kernels with other blockings, which re-associate the sums and move the last
/// bits (measured: 4.8e-7 on 4.95, i.e. ~1e-7 relative, on an AVX-512 CPU). Where the library promises bits — the same call
/// shape, on one machine, from any thread — tests compare bits instead (docs/reliability.md).
/// </summary>
internal static class FloatTolerance
{
    /// <summary>Relative tolerance for float32 results that differ only by re-association (≈ 8 float ulps).</summary>
    public const double Relative = 1e-6;

    /// <summary>
    /// True when |expected − actual| ≤ <see cref="Relative"/> · max(|expected|, <paramref name="scale"/>); the scale keeps values
    /// near 0 (sums of larger terms) from demanding more than the terms' precision.
    /// </summary>
    public static bool Close(float expected, float actual, double scale = 1)
        => Math.Abs((double)expected - actual) <= Relative * Math.Max(Math.Abs((double)expected), scale);

    /// <summary>Asserts <see cref="Close"/> element-wise, naming the first index that differs.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double scale = 1)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (!Close(expected[i], actual[i], scale))
                Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"index {i}: expected {expected[i]:R}, got {actual[i]:R} (difference {Math.Abs((double)expected[i] - actual[i]):G3} > relative tolerance {Relative})"));
    }
}
