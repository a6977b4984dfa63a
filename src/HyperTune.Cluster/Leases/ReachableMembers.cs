using Akka.Actor;
using Akka.Cluster;

namespace HyperTune.Cluster.Leases;

/// <summary>
/// Whether a split-brain resolver lease holder (named as Akka names it: the member's <c>system@host:port</c>) is a
/// member this node sees and reaches: such a holder is on this node's side of any split, so the lease it kept from
/// an earlier decision may be taken from it (<see cref="DatabaseLease"/>).
/// </summary>
public static class ReachableMembers
{
    /// <summary>The view of <paramref name="system"/>'s cluster; no holder is reachable without a cluster.</summary>
    public static Func<string, bool> Of(ExtendedActorSystem system)
    {
        if (system.Provider is not IClusterActorRefProvider) return _ => false;
        return holder => Includes(Akka.Cluster.Cluster.Get(system).State, holder);
    }

    /// <summary>
    /// True when <paramref name="holder"/> is a member in <paramref name="state"/> that is neither down nor removed
    /// and that no member has marked unreachable.
    /// </summary>
    public static bool Includes(ClusterEvent.CurrentClusterState state, string holder)
    {
        var member = state.Members.FirstOrDefault(m => m.Address.HostPort() == holder);
        return member is not null
               && member.Status is not (MemberStatus.Down or MemberStatus.Removed)
               && !state.Unreachable.Any(m => m.Address.HostPort() == holder);
    }
}
