using HyperTune.Core.Specs;

namespace HyperTune.Core.Schedulers.Halving;

/// <summary>
/// The rung milestones of successive halving: <c>minResource × reductionFactor^(rate + k)</c> for k = 0, 1, ...,
/// strictly below <c>maxResource</c> (reaching <c>maxResource</c> is finishing the trial, not a rung). Resources
/// are trainable steps. Without a maximum the ladder is unbounded and a trial's end is its last rung.
/// </summary>
/// <param name="MinResource">The first milestone (early-stopping rate 0).</param>
/// <param name="MaxResource">The steps of a full trial, or null when unknown.</param>
/// <param name="ReductionFactor">η: each rung keeps 1/η of the trials and gives them η times the resource.</param>
public sealed record ResourceLadder(long MinResource, long? MaxResource, int ReductionFactor)
{
    /// <summary>
    /// Milestone <paramref name="rung"/> of a bracket with early-stopping rate <paramref name="rate"/>, or null
    /// when that rung is at or past the maximum (the trial runs to its end instead).
    /// </summary>
    public long? Milestone(int rate, int rung)
    {
        var step = MinResource;
        for (var i = 0; i < rate + rung; i++)
        {
            if (step > long.MaxValue / ReductionFactor) return null;
            step *= ReductionFactor;
        }
        return MaxResource is { } max && step >= max ? null : step;
    }

    /// <summary>
    /// The milestones of a bracket up to (not including) the maximum, at most <paramref name="limit"/>.
    /// </summary>
    public IReadOnlyList<long> Milestones(int rate, int limit = 64)
    {
        var list = new List<long>();
        for (var k = 0; k < limit && Milestone(rate, k) is { } m; k++) list.Add(m);
        return list;
    }

    /// <summary>
    /// s_max of Hyperband: the largest s with <c>minResource × η^s ≤ maxResource</c>, so brackets s_max..0 exist.
    /// </summary>
    public int MaxEarlyStoppingRate
    {
        get
        {
            var max = MaxResource ?? throw new InvalidOperationException("Hyperband needs maxResource");
            var s = 0;
            var step = MinResource;
            while (step <= max / ReductionFactor)
            {
                step *= ReductionFactor;
                s++;
            }
            return s;
        }
    }

    /// <summary>Largest reduction factor a spec may give.</summary>
    public const int MaxReductionFactor = 100;

    /// <summary>
    /// Reads <c>minResource</c> (default 1), <c>maxResource</c> (default: the trainable's step count when known)
    /// and <c>reductionFactor</c> (default 3) from a scheduler's settings.
    /// </summary>
    /// <exception cref="SpecException">A bad value, or a missing required maximum, naming the field.</exception>
    public static ResourceLadder Read(JsonSettings settings, long? trainableSteps, bool requireMax)
    {
        var min = settings.GetOptionalLong("minResource", 1, int.MaxValue) ?? 1;
        var max = settings.GetOptionalLong("maxResource", 2, int.MaxValue) ?? trainableSteps;
        var eta = settings.GetInt("reductionFactor", 3, 2, MaxReductionFactor);
        if (max is null && requireMax)
            throw new SpecException(settings.PathOf("maxResource"),
                "is required (an integer: the steps of a full trial) unless the trainable's step count is known");
        if (max is { } m && m <= min)
            throw new SpecException(settings.PathOf("maxResource"),
                $"must be greater than minResource ({min}), got {m}");
        return new ResourceLadder(min, max, eta);
    }
}
