using HyperTune.Cluster.Api;
using HyperTune.Cluster.Views;

namespace HyperTune.Cli.Dashboard;

/// <summary>Where the dashboard's JSON comes from: the read model, and what only some hosts can add.</summary>
/// <param name="Views">The read model the study pages show.</param>
internal sealed record DashboardSources(IStudyViewReader Views)
{
    /// <summary>
    /// What <c>hypertune dashboard</c> and a node serve for a store's read model: the views, and whatever this
    /// build computes from them (a node adds its cluster state).
    /// </summary>
    public static DashboardSources ForStore(IStudyViewReader views) => new(views)
    {
        Importance = new ViewImportance(views).ComputeAsync,
    };

    /// <summary>
    /// Computes a study's parameter importance (each parameter's share of the value's variance, summing to about
    /// 1), or null when it cannot yet (too few completed trials). Null: the server has no importance to give, and
    /// <c>/api/studies/{id}/importance</c> answers 404.
    /// </summary>
    public Func<string, CancellationToken, Task<IReadOnlyList<(string Name, double Share)>?>>? Importance { get; init; }

    /// <summary>
    /// The node's view of its cluster (the JSON of <c>StudyApi.ClusterState</c>: self, leader, members with status,
    /// roles, reachability and, where known, slots). Null: a local store without a cluster, which the cluster page
    /// says.
    /// </summary>
    public Func<CancellationToken, Task<ApiResponse>>? ClusterState { get; init; }

    /// <summary>
    /// How often the event stream reads the list of studies to see which changed: one read per interval for all
    /// the open pages together, and none while no page is open.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
