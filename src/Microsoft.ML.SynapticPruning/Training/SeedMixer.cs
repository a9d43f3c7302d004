namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>Derives independent 63-bit seeds from a base seed and a stream/row index (SplitMix64 finaliser).</summary>
internal static class SeedMixer
{
    public static long Mix(long baseSeed, long index)
    {
        ulong z = Finalize((ulong)baseSeed + 0x9E3779B97F4A7C15UL) ^ Finalize((ulong)index * 0xD1B54A32D192ED03UL + 0x632BE59BD9B4E019UL);
        return (long)(Finalize(z) & 0x7FFF_FFFF_FFFF_FFFFUL);
    }

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
