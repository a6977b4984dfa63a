using System.Threading.Channels;
using HyperTune.Cluster.Views;

namespace HyperTune.Cli.Dashboard;

/// <summary>
/// Reads the study list once per interval while at least one event stream is open, and hands each stream the
/// latest read. Streams diff the list against what they already sent, so a slow stream skips intermediate reads
/// without losing a change (the latest read has every study's current version), and every stream costs the store
/// nothing extra.
/// </summary>
internal sealed class StudyChangeFeed(IStudyViewReader views, TimeSpan interval, CancellationToken stopping)
{
    private readonly object _gate = new();
    private readonly List<Channel<StudyListSnapshot>> _subscribers = [];
    private Task? _loop;

    /// <summary>
    /// A channel that receives the next reads (only the latest one is kept when the reader falls behind); dispose
    /// the returned handle to stop receiving. The first read comes at once if no stream was open, else within one
    /// interval.
    /// </summary>
    public (ChannelReader<StudyListSnapshot> Reads, IDisposable Subscription) Subscribe()
    {
        var channel = Channel.CreateBounded<StudyListSnapshot>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            _subscribers.Add(channel);
            _loop ??= Task.Run(RunAsync);
        }
        return (channel.Reader, new Unsubscriber(this, channel));
    }

    private async Task RunAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Channel<StudyListSnapshot>[] subscribers;
            lock (_gate)
            {
                if (_subscribers.Count == 0)
                {
                    // The next subscriber starts a new loop; nothing reads the store while no page is open.
                    _loop = null;
                    return;
                }
                subscribers = [.. _subscribers];
            }
            StudyListSnapshot snapshot;
            try
            {
                snapshot = new StudyListSnapshot(await views.ListAsync(stopping).ConfigureAwait(false), null);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A store that cannot be read now may be readable at the next tick (a locked or restarting database):
                // the pages say so and keep listening.
                snapshot = new StudyListSnapshot(null, e is StoreUnreadableException ? e.Message
                    : $"cannot read the study list: {e.GetType().Name}: {e.Message}");
            }
            foreach (var subscriber in subscribers) subscriber.Writer.TryWrite(snapshot);
            try
            {
                await Task.Delay(interval, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        lock (_gate) _loop = null;
    }

    private sealed class Unsubscriber(StudyChangeFeed feed, Channel<StudyListSnapshot> channel) : IDisposable
    {
        public void Dispose()
        {
            lock (feed._gate) feed._subscribers.Remove(channel);
            channel.Writer.TryComplete();
        }
    }
}
