using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// Which branch of a conditional space a configuration is on: the values of its active branch parameters (the
/// categoricals that other parameters' conditions name), as one string such as <c>model=net|optimizer=adam</c>.
/// </summary>
internal sealed class BranchSignature
{
    private readonly string[] _branchParameters;

    /// <summary>Finds the branch parameters of <paramref name="space"/> (none on a space without conditions).</summary>
    public BranchSignature(SearchSpace space) =>
        _branchParameters = space.Parameters.Where(p => p.Condition is not null).Select(p => p.Condition!.Parent)
            .Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>True when the space has branches.</summary>
    public bool HasBranches => _branchParameters.Length > 0;

    /// <summary>The branch <paramref name="config"/> is on.</summary>
    public string Of(IReadOnlyDictionary<string, object> config) =>
        string.Join("|", _branchParameters.Where(config.ContainsKey).Select(p => $"{p}={config[p]}"));
}
