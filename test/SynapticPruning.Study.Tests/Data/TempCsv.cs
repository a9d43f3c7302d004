using System.Text;

namespace SynapticPruning.Study.Tests.Data;

/// <summary>A temporary file with the given exact content, deleted on dispose.</summary>
internal sealed class TempCsv : IDisposable
{
    public TempCsv(string content, bool bom = false)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sp-data-{Guid.NewGuid():N}.csv");
        File.WriteAllText(Path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: bom));
    }

    public string Path { get; }

    public void Dispose()
    {
        try { File.Delete(Path); } catch (IOException) { }
    }
}
