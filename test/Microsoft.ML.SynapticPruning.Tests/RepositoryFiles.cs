namespace Microsoft.ML.SynapticPruning.Tests;

/// <summary>Files of the repository the tests read (README, docs, sources): found from the test assembly's folder upwards.</summary>
internal static class RepositoryFiles
{
    /// <summary>The folder that holds SynapticPruning.ML.sln.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "SynapticPruning.ML.sln"))) return dir.FullName;
            throw new InvalidOperationException($"No SynapticPruning.ML.sln above {AppContext.BaseDirectory}.");
        }
    }
}
