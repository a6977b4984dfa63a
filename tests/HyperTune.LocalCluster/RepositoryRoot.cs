namespace HyperTune.LocalCluster;

/// <summary>The repository the tests run from: examples and data sets live there.</summary>
public static class RepositoryRoot
{
    /// <summary>The folder of <c>HyperTune.Cluster.sln</c>, above the test assembly.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "HyperTune.Cluster.sln")))
            dir = dir.Parent;
        return dir?.FullName
               ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
