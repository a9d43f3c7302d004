using Microsoft.ML.SynapticPruning.Persistence;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Persistence;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sp-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Leftovers() => Directory.GetFiles(_dir).Select(Path.GetFileName).Where(f => f!.EndsWith(".tmp")).ToArray()!;

    [Fact]
    public void WritesNewFileAndReplacesExistingOne()
    {
        string path = Path.Combine(_dir, "model.bin");
        AtomicFile.Write(path, s => s.Write(new byte[] { 1, 2, 3 }));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        AtomicFile.Write(path, s => s.Write(new byte[] { 9 }));
        Assert.Equal(new byte[] { 9 }, File.ReadAllBytes(path));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void WriterThatThrowsHalfwayLeavesPreviousFileIntact()
    {
        string path = Path.Combine(_dir, "model.bin");
        byte[] previous = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        File.WriteAllBytes(path, previous);

        var ex = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[500]);
            s.Flush();
            throw new InvalidOperationException("disk full (simulated)");
        }));
        Assert.Equal("disk full (simulated)", ex.Message);
        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void WriterMayDisposeTheStream()
    {
        string path = Path.Combine(_dir, "model.bin");
        AtomicFile.Write(path, s =>
        {
            using var w = new StreamWriter(s);
            w.Write("hello");
        });
        Assert.Equal("hello", File.ReadAllText(path));
    }

    [Fact]
    public void MissingFolderIsReported()
    {
        string path = Path.Combine(_dir, "no-such-folder", "model.bin");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Write(path, s => s.WriteByte(1)));
        Assert.Contains("no-such-folder", ex.Message);
    }
}
