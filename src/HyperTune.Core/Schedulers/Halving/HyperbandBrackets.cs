namespace HyperTune.Core.Schedulers.Halving;

/// <summary>
/// Hyperband's brackets (Li et al. 2018) over a <see cref="ResourceLadder"/> with a maximum. Bracket b (0 .. s_max)
/// is successive halving with early-stopping rate b: its first rung is <c>minResource × η^b</c>, so bracket 0 is the
/// most aggressive and bracket s_max trains every trial fully. In the paper's terms bracket b is s = s_max − b, and
/// it starts <c>ceil((s_max + 1) × η^s / (s + 1))</c> trials, which gives every bracket about the same budget.
/// </summary>
public sealed class HyperbandBrackets
{
    private readonly int[] _sizes;

    /// <summary>Builds the brackets of a ladder, which must have a maximum.</summary>
    public HyperbandBrackets(ResourceLadder ladder)
    {
        Ladder = ladder;
        MaxRate = ladder.MaxEarlyStoppingRate;
        _sizes = new int[MaxRate + 1];
        for (var b = 0; b <= MaxRate; b++)
        {
            var s = MaxRate - b;
            var power = 1L;
            for (var i = 0; i < s; i++) power = Math.Min(power * ladder.ReductionFactor, int.MaxValue);
            var numerator = Math.Min((long)(MaxRate + 1) * power, int.MaxValue);
            _sizes[b] = (int)Math.Max(1, (numerator + s) / (s + 1));
        }
        CycleLength = (int)Math.Min(_sizes.Sum(x => (long)x), int.MaxValue);
    }

    /// <summary>The ladder the brackets share.</summary>
    public ResourceLadder Ladder { get; }

    /// <summary>s_max: the last bracket's index (there are s_max + 1 brackets).</summary>
    public int MaxRate { get; }

    /// <summary>The number of brackets.</summary>
    public int Count => MaxRate + 1;

    /// <summary>Trials in one cycle of every bracket (the sum of the bracket sizes).</summary>
    public int CycleLength { get; }

    /// <summary>The trials bracket <paramref name="bracket"/> starts in the paper's schedule.</summary>
    public int Size(int bracket) => _sizes[bracket];

    /// <summary>
    /// The bracket of new trial <paramref name="trialNumber"/> in the asynchronous variant: over each cycle of
    /// <see cref="CycleLength"/> trials every bracket gets exactly its size, interleaved by smooth weighted
    /// round-robin (the bracket furthest behind its share goes next), so even a short study samples every bracket
    /// in proportion. A pure function of the trial number.
    /// </summary>
    public int BracketOf(int trialNumber)
    {
        var position = (int)((long)trialNumber % CycleLength);
        var credit = new long[Count];
        var chosen = 0;
        for (var i = 0; i <= position; i++)
        {
            chosen = 0;
            for (var b = 0; b < Count; b++)
            {
                credit[b] += _sizes[b];
                if (credit[b] > credit[chosen]) chosen = b;
            }
            credit[chosen] -= CycleLength;
        }
        return chosen;
    }
}
