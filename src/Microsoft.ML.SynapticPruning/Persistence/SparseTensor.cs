namespace Microsoft.ML.SynapticPruning.Persistence;

/// <summary>A tensor decoded by <see cref="SparseTensorCodec.Decode"/>.</summary>
internal sealed class SparseTensor
{
    internal SparseTensor(float[] values, int[] shape, bool[]? mask, SparseTensorEncoding encoding)
    {
        Values = values;
        Shape = shape;
        Mask = mask;
        Encoding = encoding;
    }

    /// <summary>All elements in row-major order; pruned elements (mask false) are +0.0f.</summary>
    public float[] Values { get; }

    /// <summary>The tensor's shape; an empty array for a scalar.</summary>
    public int[] Shape { get; }

    /// <summary>The mask (true = kept), or null when the tensor was stored without one.</summary>
    public bool[]? Mask { get; }

    /// <summary>The encoding that was used on disk.</summary>
    public SparseTensorEncoding Encoding { get; }
}
