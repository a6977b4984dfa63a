namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// When the hyperparameters are refitted. With m completed trials the fit uses the first c(m) of them (by trial
/// number), where c(m) = m up to <see cref="RefitAlwaysUpTo"/> and afterwards the last checkpoint of a geometric
/// schedule (each checkpoint <see cref="Growth"/> larger than the one before). A fit depends only on those c(m)
/// trials, so a freshly built optimizer recomputes exactly the fit a long-running one has cached.
/// </summary>
internal sealed record RefitSchedule(int RefitAlwaysUpTo, double Growth)
{
    /// <summary>How many of the first completed trials the fit for <paramref name="completed"/> completed trials uses.</summary>
    public int Checkpoint(int completed)
    {
        if (completed <= RefitAlwaysUpTo) return completed;
        var c = Math.Max(RefitAlwaysUpTo, 1);
        while (true)
        {
            var next = Math.Max(c + 1, (int)Math.Ceiling(c * (1 + Growth)));
            if (next > completed) return c;
            c = next;
        }
    }
}
