using System.Collections.Immutable;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// Keeps this node's view of the worker nodes that can take trials: members that are up, reachable, not leaving,
/// and have the <c>worker</c> role, each with its slot count (from its <c>slots-N</c> role) and its running
/// trials (from the replicated map <see cref="WorkerLoadPublisher"/> fills). Coordinators subscribe and get the
/// list at once and on every change.
/// </summary>
public sealed class WorkerDirectory : ReceiveActor
{
    /// <summary>The role of nodes that run trials.</summary>
    public const string WorkerRole = "worker";

    /// <summary>Prefix of the role that advertises a node's slot count (<c>slots-8</c>).</summary>
    public const string SlotsRolePrefix = "slots-";

    /// <summary>Subscribes the sender to <see cref="WorkerNodesChanged"/>.</summary>
    public sealed record SubscribeWorkerNodes;

    /// <summary>Asks for the current <see cref="WorkerNodesChanged"/> once, without subscribing.</summary>
    public sealed record GetWorkerNodes;

    /// <summary>The worker nodes available now.</summary>
    public sealed record WorkerNodesChanged(IReadOnlyList<WorkerNode> Nodes);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly HashSet<IActorRef> _subscribers = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    // Kept from the events themselves: Cluster.State may lag behind the event being handled.
    private readonly Dictionary<UniqueAddress, Member> _members = new();
    private ImmutableHashSet<Member> _unreachable = ImmutableHashSet<Member>.Empty;
    private IReadOnlyList<WorkerNode> _nodes = Array.Empty<WorkerNode>();
    private IImmutableDictionary<string, int> _busy = ImmutableDictionary<string, int>.Empty;

    /// <summary>Props for the directory.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new WorkerDirectory());

    /// <summary>Creates the directory.</summary>
    public WorkerDirectory()
    {
        Receive<SubscribeWorkerNodes>(_ =>
        {
            _subscribers.Add(Sender);
            Context.Watch(Sender);
            Sender.Tell(new WorkerNodesChanged(_nodes));
        });
        Receive<GetWorkerNodes>(_ => Sender.Tell(new WorkerNodesChanged(_nodes)));
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
        Receive<Changed>(c =>
        {
            if (!c.Key.Equals(WorkerLoadPublisher.Key)) return;
            _busy = c.Get(WorkerLoadPublisher.Key).Entries;
            Refresh();
        });
        Receive<ClusterEvent.CurrentClusterState>(s =>
        {
            _members.Clear();
            foreach (var m in s.Members) _members[m.UniqueAddress] = m;
            _unreachable = s.Unreachable;
            Refresh();
        });
        Receive<ClusterEvent.UnreachableMember>(u =>
        {
            _unreachable = _unreachable.Add(u.Member);
            Refresh();
        });
        Receive<ClusterEvent.ReachableMember>(r =>
        {
            _unreachable = _unreachable.Remove(r.Member);
            Refresh();
        });
        Receive<ClusterEvent.MemberRemoved>(r =>
        {
            _members.Remove(r.Member.UniqueAddress);
            _unreachable = _unreachable.Remove(r.Member);
            Refresh();
        });
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            _members[e.Member.UniqueAddress] = e.Member;
            Refresh();
        });
    }

    /// <summary>The slots a member advertises through its roles (0 when it has none).</summary>
    public static int SlotsOf(Member member) =>
        member.Roles
            .Where(r => r.StartsWith(SlotsRolePrefix, StringComparison.Ordinal))
            .Select(r => int.TryParse(r[SlotsRolePrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .FirstOrDefault();

    /// <inheritdoc />
    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.ReachableMember));
        DistributedData.Get(Context.System).Replicator.Tell(Dsl.Subscribe(WorkerLoadPublisher.Key, Self));
    }

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private ImmutableSortedDictionary<string, int> BusyOn(string nodeKey)
    {
        var prefix = nodeKey + "|";
        return _busy.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && kv.Value > 0)
            .ToImmutableSortedDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
    }

    private void Refresh()
    {
        var unreachable = _unreachable.Select(m => m.UniqueAddress).ToHashSet();
        var nodes = _members.Values
            .Where(m => m.Status == MemberStatus.Up && m.HasRole(WorkerRole) && !unreachable.Contains(m.UniqueAddress))
            .Select(m => new WorkerNode(NodeKey.Of(m.UniqueAddress), Math.Max(1, SlotsOf(m))) { BusyByStudy = BusyOn(NodeKey.Of(m.UniqueAddress)) })
            .OrderBy(n => n.NodeKey, StringComparer.Ordinal)
            .ToArray();
        if (nodes.SequenceEqual(_nodes)) return;
        var membershipChanged = !nodes.Select(n => n.NodeKey).SequenceEqual(_nodes.Select(n => n.NodeKey));
        _nodes = nodes;
        if (membershipChanged) _log.Info("worker nodes: {0}", nodes.Length == 0 ? "none" : string.Join(", ", nodes.Select(n => $"{n.NodeKey} ({n.Slots} slots)")));
        var message = new WorkerNodesChanged(nodes);
        foreach (var s in _subscribers) s.Tell(message);
    }
}
