using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// Which branch of a conditional space a configuration is on: the values of its active branch parameters
/// (<see cref="SearchSpace.BranchParameters"/>), as one string such as <c>model=net|optimizer=adam</c>.
/// </summary>
internal sealed class BranchSignature(SearchSpace space)
{
    private readonly IReadOnlyList<string> _branchParameters = space.BranchParameters;

    /// <summary>True when the space has branches.</summary>
    public bool HasBranches => _branchParameters.Count > 0;

    /// <summary>The branch <paramref name="config"/> is on.</summary>
    public string Of(IReadOnlyDictionary<string, object> config) =>
        string.Join("|", _branchParameters.Where(config.ContainsKey).Select(p => $"{p}={config[p]}"));
}
