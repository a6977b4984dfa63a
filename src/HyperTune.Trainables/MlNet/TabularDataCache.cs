using System.Collections.Concurrent;

namespace HyperTune.Trainables.MlNet;

/// <summary>
/// The data sets this process has read, so a node reads each training file once however many trials use it. A
/// file is read again when its size or modification time changes. The few files a node tunes on stay for the
/// process's life.
/// </summary>
public static class TabularDataCache
{
    private static readonly ConcurrentDictionary<string, Lazy<TabularData>> Entries = new(StringComparer.Ordinal);

    /// <summary>The training data of <paramref name="options"/>, read on first use.</summary>
    public static TabularData Training(DataOptions options, MlTask task) =>
        Get(options.TrainPath, options, task, "train", () => CsvTableReader.ReadTraining(options, task));

    /// <summary>The test data of <paramref name="options"/> in the training data's layout, read on first use.</summary>
    public static TabularData Test(DataOptions options, MlTask task, TableLayout layout) =>
        Get(options.TestPath!, options, task, "test", () => CsvTableReader.ReadTest(options, task, layout));

    private static TabularData Get(string path, DataOptions options, MlTask task, string part, Func<TabularData> read)
    {
        var file = new FileInfo(path);
        var stamp = file.Exists ? $"{file.Length}:{file.LastWriteTimeUtc.Ticks}" : "absent";
        var key = string.Join('\u001f', part, file.FullName, stamp, task, options.Label, options.Separator,
            string.Join(',', options.Features ?? Array.Empty<string>()), string.Join(',', options.Categorical));
        var entry = Entries.GetOrAdd(key, _ => new Lazy<TabularData>(read));
        try
        {
            return entry.Value;
        }
        catch
        {
            // A failed read (missing file, bad row) is not kept: the user may fix the file and try again.
            Entries.TryRemove(new KeyValuePair<string, Lazy<TabularData>>(key, entry));
            throw;
        }
    }
}
