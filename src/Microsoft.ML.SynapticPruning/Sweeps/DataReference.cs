namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Names the data a trial trains on: a dataset name and the SHA-256 (lowercase hex) of its content. A worker
/// checks the hash before training, so a trial is never run on different data than its id promises.
/// </summary>
public sealed record DataReference
{
    /// <summary>Creates a data reference.</summary>
    /// <exception cref="ArgumentException">Empty name, or a hash that is not 64 hex digits.</exception>
    public DataReference(string name, string sha256)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(sha256);
        if (sha256.Length != 64 || !sha256.All(Uri.IsHexDigit))
            throw new ArgumentException($"Data '{name}': Sha256 must be 64 hexadecimal digits (got '{sha256}').", nameof(sha256));
        Name = name;
        Sha256 = sha256.ToLowerInvariant();
    }

    /// <summary>Dataset name (informative; not part of the trial id).</summary>
    public string Name { get; }

    /// <summary>SHA-256 of the data, lowercase hex (part of the trial id).</summary>
    public string Sha256 { get; }

    /// <summary>A reference whose hash is the SHA-256 of <paramref name="content"/>.</summary>
    public static DataReference FromContent(string name, ReadOnlySpan<byte> content)
        => new(name, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)));

    /// <summary>A reference whose hash is the SHA-256 of the file at <paramref name="path"/>.</summary>
    public static DataReference FromFile(string name, string path)
    {
        using var stream = File.OpenRead(path);
        return new(name, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)));
    }

    /// <summary>Checks that the file at <paramref name="path"/> has this reference's SHA-256 (what a worker does before training).</summary>
    /// <exception cref="InvalidDataException">The hashes differ; the message names the dataset, the file and both hashes.</exception>
    public void VerifyFile(string path)
    {
        var actual = FromFile(Name, path);
        if (actual.Sha256 != Sha256)
            throw new InvalidDataException($"Data '{Name}' at '{path}' has SHA-256 {actual.Sha256}, but the trial expects {Sha256}; the worker must see the same data as the submitter.");
    }
}
