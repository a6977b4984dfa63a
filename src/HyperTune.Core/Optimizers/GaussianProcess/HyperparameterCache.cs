namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// Remembers the last few hyperparameter fits, each keyed by exactly the data it was computed from (the encoded
/// inputs and the losses). A hit is only possible for identical data, and the fit is a pure function of that data,
/// so using the cache never changes a suggestion; it only avoids recomputing a fit between checkpoints.
/// </summary>
internal sealed class HyperparameterCache
{
    private readonly int _capacity;
    private readonly LinkedList<(double[][] X, double[] Losses, KernelHyperparameters Fit)> _entries = new();
    private readonly object _gate = new();

    /// <summary>Creates a cache holding up to <paramref name="capacity"/> fits.</summary>
    public HyperparameterCache(int capacity) => _capacity = capacity;

    /// <summary>The fit for this data, computed by <paramref name="fit"/> when not cached.</summary>
    public KernelHyperparameters GetOrAdd(IReadOnlyList<double[]> x, IReadOnlyList<double> losses, Func<KernelHyperparameters> fit)
    {
        lock (_gate)
        {
            for (var node = _entries.First; node is not null; node = node.Next)
            {
                if (!Matches(node.Value.X, node.Value.Losses, x, losses)) continue;
                _entries.Remove(node);
                _entries.AddFirst(node);
                return node.Value.Fit;
            }
        }
        var result = fit();
        lock (_gate)
        {
            _entries.AddFirst((x.Select(r => (double[])r.Clone()).ToArray(), losses.ToArray(), result));
            while (_entries.Count > _capacity) _entries.RemoveLast();
        }
        return result;
    }

    private static bool Matches(double[][] x, double[] losses, IReadOnlyList<double[]> otherX, IReadOnlyList<double> otherLosses)
    {
        if (x.Length != otherX.Count || losses.Length != otherLosses.Count) return false;
        for (var i = 0; i < losses.Length; i++)
            if (losses[i].CompareTo(otherLosses[i]) != 0 || !x[i].AsSpan().SequenceEqual(otherX[i])) return false;
        return true;
    }
}
