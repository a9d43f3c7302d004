namespace Microsoft.ML.SynapticPruning.Persistence;

/// <summary>How <see cref="SparseTensorCodec"/> stored one tensor.</summary>
internal enum SparseTensorEncoding : byte
{
    /// <summary>No mask: every element stored as a raw little-endian float.</summary>
    Dense = 0,

    /// <summary>A bitmap of the mask (1 bit per element, least significant bit first) plus the surviving values.</summary>
    Bitmap = 1,

    /// <summary>
    /// Delta-coded <see cref="ushort"/> positions of the surviving elements (gap to the previous survivor; the
    /// escape entry 0xFFFF skips 65 535 positions) plus the surviving values.
    /// </summary>
    DeltaIndices = 2,
}
