using Akka.Actor;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Workers;

namespace HyperTune.Cluster.Tests;

/// <summary>The node's slot limiter: grants in arrival order, and its usage per study as slots come and go.</summary>
public sealed class WorkerSlotsSpec : TestKit
{
    private WorkerSlots.SlotUsage Usage(IActorRef slots)
    {
        slots.Tell(new WorkerSlots.GetSlotUsage());
        return ExpectMsg<WorkerSlots.SlotUsage>();
    }

    private static IReadOnlyList<(string, int)> ByStudy(WorkerSlots.SlotUsage usage) =>
        usage.BusyByStudy.Select(kv => (kv.Key, kv.Value)).ToList();

    [Fact]
    public void Usage_per_study_follows_grants_releases_and_stopped_holders()
    {
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        slots.Tell(new WorkerSlots.AcquireSlot("s1"), a.Ref);
        a.ExpectMsg<WorkerSlots.SlotGranted>();
        slots.Tell(new WorkerSlots.AcquireSlot("s2"), b.Ref);
        b.ExpectMsg<WorkerSlots.SlotGranted>();
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        slots.Tell(new WorkerSlots.AcquireSlot("s1"), c.Ref);
        // No slot free: c is told it waits (its worker then tells the coordinator it has the trial), not granted.
        c.ExpectMsg<WorkerSlots.SlotQueued>();
        c.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        var usage = Usage(slots);
        Assert.Equal((2, 1), (usage.Busy, usage.Queued));
        Assert.Equal(new[] { ("s1", 1), ("s2", 1) }, ByStudy(usage));

        // a's slot goes to c (the same study), then b stops without releasing: its slot comes back all the same.
        slots.Tell(new WorkerSlots.ReleaseSlot(), a.Ref);
        c.ExpectMsg<WorkerSlots.SlotGranted>();
        Assert.Equal(new[] { ("s1", 1), ("s2", 1) }, ByStudy(Usage(slots)));
        Sys.Stop(b.Ref);
        AwaitCondition(() => Usage(slots).Busy == 1, TimeSpan.FromSeconds(5));
        Assert.Equal(new[] { ("s1", 1) }, ByStudy(Usage(slots)));
        slots.Tell(new WorkerSlots.ReleaseSlot(), c.Ref);
        AwaitCondition(() => Usage(slots).Busy == 0, TimeSpan.FromSeconds(5));
        Assert.Empty(Usage(slots).BusyByStudy);
    }
}
