namespace HyperTune.Cli.Tests.Dashboard;

/// <summary>
/// A fact that writes the dashboard's screenshots for the docs, run only when
/// <c>HYPERTUNE_DASHBOARD_SCREENSHOTS</c> names the folder to write (docs/images): it makes pictures, the other
/// browser tests check the pages.
/// </summary>
public sealed class ScreenshotFactAttribute : FactAttribute
{
    /// <summary>The variable naming the folder.</summary>
    public const string Variable = "HYPERTUNE_DASHBOARD_SCREENSHOTS";

    /// <summary>Skips unless the variable is set (and chromium is there).</summary>
    public ScreenshotFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
            Skip = $"writes the dashboard's screenshots; set {Variable}=docs/images to run it";
        else if (!File.Exists(DashboardBrowserFixture.ChromiumPath))
            Skip = $"needs {DashboardBrowserFixture.ChromiumPath} (apt-get install chromium)";
    }
}
