using HyperTune.Cluster.Registry;
using static HyperTune.Cluster.Registry.StudyRegistryProtocol;

namespace HyperTune.Cluster.Tests;

/// <summary>The registry's reservation decisions, as pure functions of its state.</summary>
public sealed class StudyRegistryStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static (StudyRegistryState State, ReservedStudy Reply) Reserve(StudyRegistryState state, ReserveStudy request)
    {
        var (e, reply) = state.Reserve(request, Now);
        return (e is null ? state : state.Apply(e), reply);
    }

    [Fact]
    public void Fresh_reservations_of_one_spec_get_distinct_ids_in_order()
    {
        var state = StudyRegistryState.Empty;
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            (state, var reply) = Reserve(state, new ReserveStudy("quad", Fresh: true, StudyId: null, RequestId: $"r{i}"));
            Assert.True(reply.IsNew);
            ids.Add(reply.Study.StudyId);
        }
        Assert.Equal(new[] { "quad", "quad-2", "quad-3", "quad-4", "quad-5" }, ids);
        Assert.Equal(ids, state.Studies.Select(s => s.StudyId));
    }

    [Fact]
    public void A_repeated_request_id_gets_the_same_study_and_writes_nothing()
    {
        var (state, first) = Reserve(StudyRegistryState.Empty, new ReserveStudy("quad", true, null, "once"));
        var (e, again) = state.Reserve(new ReserveStudy("quad", true, null, "once"), Now);
        Assert.Null(e);
        Assert.Equal((first.Study.StudyId, true, true), (again.Study.StudyId, again.IsNew, again.Repeated));
    }

    [Fact]
    public void Without_fresh_the_latest_study_of_the_name_is_resumed()
    {
        var (state, _) = Reserve(StudyRegistryState.Empty, new ReserveStudy("quad", false, null, "a"));
        (state, _) = Reserve(state, new ReserveStudy("quad", true, null, "b"));
        var (e, reply) = state.Reserve(new ReserveStudy("quad", false, null, "c"), Now);
        Assert.Null(e);
        Assert.Equal(("quad-2", false), (reply.Study.StudyId, reply.IsNew));
    }

    [Fact]
    public void An_explicit_study_id_is_listed_once()
    {
        var (state, first) = Reserve(StudyRegistryState.Empty, new ReserveStudy("quad", false, "mine", "a"));
        var (e, second) = state.Reserve(new ReserveStudy("quad", false, "mine", "b"), Now);
        Assert.True(first.IsNew);
        Assert.Null(e);
        Assert.Equal(("mine", false), (second.Study.StudyId, second.IsNew));
        Assert.Single(state.Studies);
    }

    [Fact]
    public void A_new_name_whose_id_is_taken_by_another_spec_gets_the_next_free_id()
    {
        var (state, _) = Reserve(StudyRegistryState.Empty, new ReserveStudy("other", false, "quad", "a"));
        var (_, reply) = Reserve(state, new ReserveStudy("quad", false, null, "b"));
        Assert.Equal("quad-2", reply.Study.StudyId);
    }

    [Fact]
    public void A_released_reservation_leaves_the_list_and_frees_its_id_and_request()
    {
        var (state, _) = Reserve(StudyRegistryState.Empty, new ReserveStudy("quad", true, null, "a"));
        state = state.Apply(new StudyReservationReleased("quad", Now));
        Assert.Empty(state.Studies);
        var (_, reply) = Reserve(state, new ReserveStudy("quad", true, null, "a"));
        Assert.Equal(("quad", true, false), (reply.Study.StudyId, reply.IsNew, reply.Repeated));
    }

    [Fact]
    public void A_forgotten_study_leaves_the_list_its_id_is_free_again_and_its_request_ids_are_dropped()
    {
        var (state, _) = Reserve(StudyRegistryState.Empty, new ReserveStudy("quad", true, null, "a"));
        (state, _) = Reserve(state, new ReserveStudy("quad", true, null, "b"));
        state = state.Apply(new StudyForgotten("quad", Now));
        Assert.Equal(new[] { "quad-2" }, state.Studies.Select(s => s.StudyId));
        Assert.False(state.RequestIds.ContainsKey("a"));
        Assert.Equal("quad-2", state.RequestIds["b"]);
        Assert.Equal("quad", state.FreeIdFor("quad"));
        // The latest study of the name is now the one left, which a plain submission resumes.
        Assert.Equal("quad-2", state.Latest("quad")!.StudyId);
    }

    [Fact]
    public void Events_of_the_earlier_version_still_apply_and_its_snapshot_still_loads()
    {
        var old = new StudyEntry("old", "old", Now);
        var state = StudyRegistryState.FromSnapshot(System.Collections.Immutable.ImmutableList.Create(old))
            .Apply(new StudyRegistered("older", "older", Now))
            .Apply(new StudyRegistered("old", "old", Now));
        Assert.Equal(new[] { "old", "older" }, state.Studies.Select(s => s.StudyId));
        Assert.Equal(state.Studies, StudyRegistryState.FromSnapshot(state.ToSnapshot()).Studies);
    }
}
