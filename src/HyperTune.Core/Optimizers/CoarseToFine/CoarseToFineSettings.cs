using System.Globalization;
using System.Text.Json;
using HyperTune.Core.Specs;

namespace HyperTune.Core.Optimizers.CoarseToFine;

/// <summary>Settings of the <c>coarse-to-fine</c> optimizer (see docs/optimizers.md).</summary>
public sealed record CoarseToFineSettings
{
    /// <summary>Trials in each round, round 0 (the coarse sweep) first; the last round continues indefinitely.</summary>
    public IReadOnlyList<int> TrialsPerRound { get; init; } = Enumerable.Repeat(DefaultTrialsPerRound, DefaultRounds).ToArray();

    /// <summary>Number of regions (around the best distinct trials so far) searched in each refining round.</summary>
    public int TopK { get; init; } = DefaultTopK;

    /// <summary>Each round's region side is this times the previous round's (unit coordinates; round 0 is the whole space).</summary>
    public double Shrink { get; init; } = DefaultShrink;

    /// <summary>How points are drawn inside a region.</summary>
    public RegionSampler Sampler { get; init; } = RegionSampler.Sobol;

    /// <summary>Number of rounds.</summary>
    public int Rounds => TrialsPerRound.Count;

    /// <summary>Default trials per round when only <c>rounds</c> is given.</summary>
    public const int DefaultTrialsPerRound = 20;

    /// <summary>Default number of rounds.</summary>
    public const int DefaultRounds = 5;

    /// <summary>Default number of regions per refining round.</summary>
    public const int DefaultTopK = 3;

    /// <summary>Default shrink factor per round.</summary>
    public const double DefaultShrink = 0.5;

    /// <summary>The round trial <paramref name="trialNumber"/> belongs to, and its index within the round.</summary>
    public (int Round, int IndexInRound) RoundOf(int trialNumber)
    {
        var start = 0;
        for (var r = 0; r < TrialsPerRound.Count - 1; r++)
        {
            if (trialNumber < start + TrialsPerRound[r]) return (r, trialNumber - start);
            start += TrialsPerRound[r];
        }
        return (TrialsPerRound.Count - 1, trialNumber - start);
    }

    /// <summary>Side of the regions of round <paramref name="round"/>, in unit coordinates.</summary>
    public double SideOf(int round) => Math.Pow(Shrink, round);

    /// <summary>Reads and validates the settings of a <c>coarse-to-fine</c> optimizer spec.</summary>
    public static CoarseToFineSettings Read(OptimizerSpec spec)
    {
        var r = spec.Reader();
        var roundsGiven = r.GetOptionalLong("rounds", 1, 100);
        var perRound = r.GetElement("trialsPerRound");
        var budget = r.GetOptionalLong("budget", 1, 10_000_000);
        var fractions = r.GetArray("roundFractions");
        var topK = r.GetInt("topK", DefaultTopK, 1, 1000);
        var shrink = r.GetDouble("shrink", DefaultShrink, 0.01, 0.99);
        var sampler = r.GetString("sampler", "sobol", "sobol", "random") == "random" ? RegionSampler.Random : RegionSampler.Sobol;
        r.EnsureNoUnknownFields();

        var rounds = (int)(roundsGiven ?? (fractions?.Count ?? DefaultRounds));
        IReadOnlyList<int> trials;
        if (perRound is { } pr)
        {
            if (budget is not null) throw new SpecException("optimizer.budget", "give either trialsPerRound or budget (with optional roundFractions), not both");
            if (fractions is not null) throw new SpecException("optimizer.roundFractions", "roundFractions needs budget instead of trialsPerRound");
            trials = ReadTrialsPerRound(pr, rounds, roundsGiven is not null);
        }
        else if (budget is { } b)
        {
            var f = fractions is null ? Enumerable.Repeat(1.0 / rounds, rounds).ToArray() : ReadFractions(fractions, rounds);
            trials = f.Select(x => Math.Max(1, (int)Math.Round(b * x))).ToArray();
        }
        else
        {
            if (fractions is not null) throw new SpecException("optimizer.roundFractions", "roundFractions needs budget");
            trials = Enumerable.Repeat(DefaultTrialsPerRound, rounds).ToArray();
        }
        return new CoarseToFineSettings { TrialsPerRound = trials, TopK = topK, Shrink = shrink, Sampler = sampler };
    }

    private static int[] ReadTrialsPerRound(JsonElement e, int rounds, bool roundsGiven)
    {
        const string path = "optimizer.trialsPerRound";
        if (e.ValueKind == JsonValueKind.Number)
        {
            if (!e.TryGetInt32(out var n) || n < 1) throw new SpecException(path, $"expected a positive integer, got {JsonSettings.Describe(e)}");
            return Enumerable.Repeat(n, rounds).ToArray();
        }
        if (e.ValueKind != JsonValueKind.Array) throw new SpecException(path, $"expected an integer or an array of integers, got {JsonSettings.Describe(e)}");
        var list = new List<int>();
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var n) || n < 1)
                throw new SpecException($"{path}[{list.Count}]", $"expected a positive integer, got {JsonSettings.Describe(item)}");
            list.Add(n);
        }
        if (list.Count == 0) throw new SpecException(path, "must list at least one round");
        if (roundsGiven && list.Count != rounds)
            throw new SpecException(path, $"lists {list.Count} rounds but rounds is {rounds.ToString(CultureInfo.InvariantCulture)}");
        return list.ToArray();
    }

    private static double[] ReadFractions(IReadOnlyList<(JsonElement Element, string Path)> items, int rounds)
    {
        if (items.Count != rounds) throw new SpecException("optimizer.roundFractions", $"lists {items.Count} fractions but there are {rounds} rounds");
        var f = new double[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var (e, path) = items[i];
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out f[i]) || !(f[i] > 0))
                throw new SpecException(path, $"expected a positive fraction, got {JsonSettings.Describe(e)}");
        }
        if (f.Sum() > 1 + 1e-9) throw new SpecException("optimizer.roundFractions", $"fractions add up to {f.Sum().ToString(CultureInfo.InvariantCulture)}, more than 1");
        return f;
    }
}
