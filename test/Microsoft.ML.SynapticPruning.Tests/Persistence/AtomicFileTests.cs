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

    [Fact]
    public void StaleTempsOfTheSameTargetAreDeleted_FreshOnesAndOtherFilesStay()
    {
        string path = Path.Combine(_dir, "model.zip");
        string stale = Path.Combine(_dir, $".model.zip.{Guid.NewGuid():N}.tmp");
        string fresh = Path.Combine(_dir, $".model.zip.{Guid.NewGuid():N}.tmp");
        string otherTarget = Path.Combine(_dir, $".other.zip.{Guid.NewGuid():N}.tmp");
        string notOurs = Path.Combine(_dir, ".model.zip.backup.tmp");
        foreach (var f in new[] { stale, fresh, otherTarget, notOurs }) File.WriteAllBytes(f, new byte[] { 1 });
        var old = DateTime.UtcNow - AtomicFile.StaleTempAge - TimeSpan.FromMinutes(5);
        foreach (var f in new[] { stale, otherTarget, notOurs }) File.SetLastWriteTimeUtc(f, old);

        AtomicFile.Write(path, s => s.WriteByte(7));

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));        // possibly another writer's, in progress
        Assert.True(File.Exists(otherTarget));  // another target's: its own next write cleans it
        Assert.True(File.Exists(notOurs));      // not a name this class creates
        Assert.Equal(new byte[] { 7 }, File.ReadAllBytes(path));
    }

    [Fact]
    public void TheFolderIsFsyncedAfterTheRenameWhereTheOsAllows()
    {
        // On Linux and macOS the folder fsync must succeed (it makes the rename durable); Windows has no such call.
        Assert.Equal(!OperatingSystem.IsWindows(), AtomicFile.SyncDirectory(_dir));
        Assert.False(AtomicFile.SyncDirectory(Path.Combine(_dir, "no-such-folder")));
    }
}
