namespace HyperTune.Cli.Tests.Dashboard;

/// <summary>
/// A fact that needs Debian's chromium (<see cref="DashboardBrowserFixture.ChromiumPath"/>). Without it the test is
/// skipped with the reason on a developer's machine, but runs (and fails, naming the package) when <c>CI=true</c>:
/// CI installs chromium, so a missing browser there is a broken setup, not a reason to pass.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    /// <summary>Skips when chromium is missing outside CI.</summary>
    public BrowserFactAttribute()
    {
        if (!File.Exists(DashboardBrowserFixture.ChromiumPath) && !DashboardBrowserFixture.IsCi)
            Skip = $"needs {DashboardBrowserFixture.ChromiumPath} (apt-get install chromium); " +
                   "with CI=true this fails instead";
    }
}
