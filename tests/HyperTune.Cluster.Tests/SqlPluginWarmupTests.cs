using HyperTune.Cluster.Hosting;

namespace HyperTune.Cluster.Tests;

/// <summary>The linq2db warm-up beside a node's start runs its query without touching the store's file.</summary>
public sealed class SqlPluginWarmupTests
{
    [Fact]
    public async Task The_warm_up_completes_and_leaves_the_store_untouched()
    {
        var dir = Directory.CreateTempSubdirectory("hypertune-warmup-").FullName;
        try
        {
            var path = Path.Combine(dir, "store.db");
            var warmup = SqlPluginWarmup.Start(StorageSpec.SqliteFile(path));
            Assert.True(await Task.WhenAny(warmup, Task.Delay(TimeSpan.FromSeconds(30))) == warmup, "warm-up hung");
            Assert.True(warmup.IsCompletedSuccessfully);
            Assert.Empty(Directory.GetFileSystemEntries(dir));
            Assert.Same(Task.CompletedTask, SqlPluginWarmup.Start(StorageSpec.Parse("memory")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
