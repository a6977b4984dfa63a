using System.Globalization;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// A trial worker's entity id: <c>{nodeKey}|{studyId}|{trialNumber}|{dispatch}</c>. The node key comes first and
/// is the shard id, which is how a coordinator places a trial on the node it chose (see
/// <see cref="NodeAffinityAllocationStrategy"/>). Each dispatch of a trial is its own entity, so a re-dispatch to
/// another node never collides with the old one.
/// </summary>
public static class TrialWorkerId
{
    private const char Separator = '|';

    /// <summary>Builds an entity id.</summary>
    public static string Format(string nodeKey, string studyId, int number, int dispatch) =>
        string.Join(Separator, nodeKey, studyId, number.ToString(CultureInfo.InvariantCulture), dispatch.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The entity id of a study's refit dispatch (<see cref="TrialWorkerProtocol.RunRefit"/>):
    /// <c>{nodeKey}|{studyId}|refit|{dispatch}</c>, never a trial's.
    /// </summary>
    public static string FormatRefit(string nodeKey, string studyId, int dispatch) =>
        string.Join(Separator, nodeKey, studyId, "refit", dispatch.ToString(CultureInfo.InvariantCulture));

    /// <summary>The node key (shard id) of an entity id.</summary>
    public static string NodeKeyOf(string workerId)
    {
        var i = workerId.IndexOf(Separator);
        return i < 0 ? workerId : workerId[..i];
    }
}
