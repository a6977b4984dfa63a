namespace HyperTune.Cli.Dashboard;

/// <summary>One embedded file of the dashboard.</summary>
/// <param name="Content">Its bytes.</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="ETag">A quoted hash of the content.</param>
internal sealed record DashboardAsset(byte[] Content, string ContentType, string ETag);
