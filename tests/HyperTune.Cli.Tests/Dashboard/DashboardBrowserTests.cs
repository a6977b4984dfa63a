using System.Diagnostics;
using System.Text.Json.Nodes;
using HyperTune.Cli.Http;
using HyperTune.Core.Studies;
using Xunit.Abstractions;

namespace HyperTune.Cli.Tests.Dashboard;

/// <summary>
/// The dashboard in a real headless browser (Debian's chromium through the DevTools protocol): each page loads with
/// no console error, page error or failed request, and its charts show what the read model holds, live.
/// </summary>
[Trait("Category", "Browser")]
public sealed class DashboardBrowserTests(DashboardBrowserFixture fixture, ITestOutputHelper output)
    : IClassFixture<DashboardBrowserFixture>
{
    private static string StudyPage(SampleStudy study) => "study.html?id=" + Uri.EscapeDataString(study.Id);

    [BrowserFact]
    public async Task The_studies_page_lists_every_study_with_its_progress()
    {
        await using var page = await BrowserPage.OpenAsync(fixture.Browser);
        await page.GoToAsync(fixture.Server.Url);

        await page.WaitForAsync($"document.querySelector('#studies')?.dataset.studies === '{fixture.Studies.Count}'");
        var ids = await page.MapAsync<string>("#studies tbody tr", "r => r.dataset.study");
        Assert.Equal(fixture.Studies.Select(s => s.Id), ids);
        var large = await page.EvalAsync<string>("document.querySelector('tr[data-study=\"tpe-1000\"]').innerText");
        Assert.Contains("mlp tpe 1000", large);
        Assert.Contains("1000/1000", large);
        Assert.Contains("finished", large);
        // The live indicator turns on once the event stream answers.
        await page.WaitForAsync("document.querySelector('#live').dataset.state === 'live'");
        page.AssertNoProblems();
    }

    [BrowserFact]
    public async Task A_study_of_1000_trials_draws_every_chart_with_the_right_number_of_marks()
    {
        var study = fixture.Large;
        var complete = study.Trials.Where(t => t.State == TrialState.Complete).ToList();
        await using var page = await BrowserPage.OpenAsync(fixture.Browser);
        var clock = Stopwatch.StartNew();
        await page.GoToAsync(fixture.Page(StudyPage(study)));

        await page.WaitForAsync("document.querySelector('#importance-chart')?.dataset.bars === '4'");
        await page.WaitForAsync("document.querySelector('#history-chart')?.dataset.points !== undefined");
        output.WriteLine($"1,000-trial study page drawn in {clock.ElapsedMilliseconds} ms (load, fetch, all charts)");
        Assert.Equal(complete.Count.ToString(), await page.AttributeAsync("#history-chart", "data-points"));
        Assert.Equal(complete.Count.ToString(), await page.AttributeAsync("#parallel-chart", "data-points"));
        Assert.Equal(complete.Count.ToString(), await page.AttributeAsync("#contour-chart", "data-points"));
        var slices = await page.MapAsync<string>("#slice-chart .slice",
            "s => `${s.dataset.param}=${s.dataset.points}`");
        Assert.Equal(new[] { "layers", "lr", "optimizer", "x" }.Select(p => $"{p}={complete.Count}"), slices.Order());
        // Learning curves: every trial with reports, pruned ones marked where they stopped.
        var withCurves = study.Trials.Count(t => !t.Intermediate.IsEmpty);
        var pruned = study.Trials.Count(t => t.State == TrialState.Pruned);
        Assert.True(pruned > 0);
        Assert.Equal(withCurves.ToString(), await page.AttributeAsync("#intermediate-chart", "data-curves"));
        Assert.Equal(pruned.ToString(), await page.AttributeAsync("#intermediate-chart", "data-pruned"));
        // Failed trials with the tail of their reason.
        var failed = study.Trials.Count(t => t.State == TrialState.Failed);
        Assert.Equal(failed.ToString(), await page.AttributeAsync("#failed-table", "data-failed"));
        Assert.Contains("CUDA out of memory", await page.TextAsync(".failure-reason"));
        // Its final model: the refit's test score and where the model file is.
        var overview = await page.TextAsync(".facts");
        Assert.Contains("Final model", overview);
        Assert.Contains("on 426 rows; test (143 rows): loss 0.25", overview);
        Assert.Contains("/data/artifacts/tpe-1000/model.zip on 10.0.0.5:5053#1", overview);
        // The best-so-far line ends at the study's best value.
        var best = complete.Min(t => t.Value!.Value);
        var drawnBest = double.Parse((await page.AttributeAsync("#history-chart .best-line", "data-best"))!,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(best, drawnBest, 12);
        // Many marks, few elements: drawing a chart of 1,000 trials must not take 1,000 DOM nodes.
        var historyNodes = await page.EvalAsync<int>("document.querySelectorAll('#history-chart *').length");
        var parallelNodes = await page.EvalAsync<int>("document.querySelectorAll('#parallel-chart *').length");
        Assert.True(historyNodes < 100, $"history chart has {historyNodes} elements");
        Assert.True(parallelNodes < 200, $"parallel coordinates have {parallelNodes} elements");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the page took {clock.Elapsed} to draw");
        page.AssertNoProblems();
    }

    [BrowserFact]
    public async Task The_history_grows_while_trials_are_added_without_reloading()
    {
        var study = fixture.Live;
        await using var page = await BrowserPage.OpenAsync(fixture.Browser);
        await page.GoToAsync(fixture.Page(StudyPage(study)));
        await page.WaitForAsync($"document.querySelector('#history-chart')?.dataset.points === '{study.Complete}'");
        await page.WaitForAsync("document.querySelector('#live').dataset.state === 'live'");
        // Gone if the page reloads: only an update in place keeps it.
        await page.EvalAsync<int>("window.__sameDocument = 42");
        var before = study.Complete;

        for (var batch = 1; batch <= 3; batch++)
        {
            var clock = Stopwatch.StartNew();
            await study.AddTrialsAsync(fixture.Views, 15);
            Assert.True(study.Complete > before);
            await page.WaitForAsync(
                $"document.querySelector('#history-chart').dataset.points === '{study.Complete}'", 15_000);
            output.WriteLine($"batch {batch}: {study.Complete} completed trials shown " +
                             $"{clock.ElapsedMilliseconds} ms after the write");
            before = study.Complete;
        }

        Assert.Equal(42, await page.EvalAsync<int>("window.__sameDocument"));
        Assert.Contains($"{study.Trials.Count}/400", await page.TextAsync("#progress-text"));
        page.AssertNoProblems();
    }

    [BrowserFact]
    public async Task The_importance_chart_draws_a_bar_per_parameter_largest_first()
    {
        var shares = (await new HyperTune.Cli.Dashboard.ViewImportance(fixture.Views)
            .ComputeAsync(fixture.Large.Id, CancellationToken.None))!;
        var expected = shares.OrderByDescending(s => s.Share).Select(s => s.Name).ToList();
        // The sample's loss depends mostly on x, then lr, a little on the optimizer, not on layers.
        Assert.Equal(new[] { "x", "lr", "optimizer", "layers" }, expected);
        await using var page = await BrowserPage.OpenAsync(fixture.Browser);
        await page.GoToAsync(fixture.Page(StudyPage(fixture.Large)));

        await page.WaitForAsync("document.querySelector('#importance-chart')?.dataset.bars === '4'");
        var bars = await page.MapAsync<string>("#importance-chart rect.bar", "b => b.dataset.name");
        var widths = await page.MapAsync<double>("#importance-chart rect.bar", "b => b.width.baseVal.value");

        Assert.Equal(expected, bars);
        Assert.True(widths.Zip(widths.Skip(1)).All(p => p.Item1 >= p.Item2), string.Join(", ", widths));
        Assert.True(widths[0] > 10);
        page.AssertNoProblems();
    }

    [BrowserFact]
    public async Task A_study_with_two_objectives_shows_its_pareto_front()
    {
        var study = fixture.Multi;
        var doc = JsonNode.Parse((await fixture.Views.GetAsync(study.Id, CancellationToken.None))!.Document)!;
        var front = doc["best"]!.AsArray().Count;
        await using var page = await BrowserPage.OpenAsync(fixture.Browser);
        await page.GoToAsync(fixture.Page(StudyPage(study)));

        await page.WaitForAsync("document.querySelector('#pareto-chart')?.dataset.front !== undefined");
        Assert.Equal(front.ToString(), await page.AttributeAsync("#pareto-chart", "data-front"));
        Assert.Equal(study.Complete.ToString(), await page.AttributeAsync("#pareto-chart", "data-points"));
        Assert.True(front >= 3, $"front of {front}");
        // The history follows the chosen objective.
        Assert.Equal(study.Complete.ToString(), await page.AttributeAsync("#history-chart", "data-points"));
        await page.Page.SelectAsync("[data-card='history-chart'] select", "latency_ms");
        await page.WaitForAsync(
            "document.querySelector('#history-chart .axis-y .axis-label').textContent.startsWith('latency_ms')");
        page.AssertNoProblems();
    }

    [BrowserFact]
    public async Task Generations_and_population_lineage_are_drawn_when_the_study_has_them()
    {
        await using var page = await BrowserPage.OpenAsync(fixture.Browser);
        await page.GoToAsync(fixture.Page(StudyPage(fixture.Evolution)));
        await page.WaitForAsync("document.querySelector('#generations-chart')?.dataset.points === '10'");
        Assert.True(await page.EvalAsync<bool>("document.querySelector('[data-card=\"lineage-chart\"]').hidden"));

        await page.GoToAsync(fixture.Page(StudyPage(fixture.Pbt)));
        var exploits = fixture.Pbt.Trials.Sum(t => t.Lineage.Count);
        await page.WaitForAsync($"document.querySelector('#lineage-chart')?.dataset.events === '{exploits}'");
        Assert.True(exploits > 0);
        Assert.Equal("8", await page.AttributeAsync("#intermediate-chart", "data-curves"));
        Assert.True(await page.EvalAsync<bool>("document.querySelector('[data-card=\"generations-chart\"]').hidden"));
        page.AssertNoProblems();
    }

    [BrowserFact]
    public async Task The_cluster_page_shows_members_or_says_the_store_is_local()
    {
        await using var page = await BrowserPage.OpenAsync(fixture.Browser);
        await page.GoToAsync(fixture.Page("cluster.html"));
        await page.WaitForAsync("document.querySelector('#cluster')?.dataset.mode === 'cluster'");
        Assert.Equal("3", await page.AttributeAsync("table.members", "data-members"));
        var text = await page.EvalAsync<string>("document.querySelector('#cluster').innerText");
        Assert.Contains("UNREACHABLE", text);
        Assert.Contains("16/16", text);

        await page.GoToAsync(new Uri(fixture.LocalServer.Url, "cluster.html"));
        await page.WaitForAsync("document.querySelector('#cluster')?.dataset.mode === 'local'");
        Assert.Contains("Local store", await page.EvalAsync<string>("document.querySelector('#cluster').innerText"));
        page.AssertNoProblems();
    }

    [BrowserFact]
    public async Task On_a_node_with_api_keys_the_page_asks_for_one_then_reads_and_listens_with_it()
    {
        const string readKey = "read-key-0123456789abc";
        var keyFile = Path.Combine(Directory.CreateTempSubdirectory("hypertune-keys-").FullName, "keys");
        File.WriteAllText(keyFile, $"read:{readKey}\n");
        var options = NodeHttpOptions.Open with { Keys = ApiKeyring.Load(null, keyFile) };
        var port = LoopbackPort.Free();
        await using var node = await NodeHttpServer.StartAsync("127.0.0.1", port, options, fixture.Views,
            CancellationToken.None);
        await using var page = await BrowserPage.OpenAsync(fixture.Browser);

        await page.GoToAsync(new Uri($"http://127.0.0.1:{port}/dashboard/"));
        await page.WaitForAsync("document.querySelector('.key-form input') !== null");
        // The refused request, and the browser's log line about it.
        Assert.NotEmpty(page.Problems);
        Assert.All(page.Problems, p => Assert.Contains("401", p));
        page.ClearProblems();
        await page.Page.TypeAsync(".key-form input", readKey);
        await Task.WhenAll(page.Page.WaitForNavigationAsync(), page.Page.ClickAsync(".key-form button[type=submit]"));

        await page.WaitForAsync($"document.querySelector('#studies')?.dataset.studies === '{fixture.Studies.Count}'");
        // With a key the stream is read through fetch (EventSource cannot send one): it must deliver changes too.
        await page.WaitForAsync("document.querySelector('#live').dataset.state === 'live'");
        await fixture.Live.AddTrialsAsync(fixture.Views, 5);
        await page.WaitForAsync("document.querySelector('tr[data-study=\"live-1\"]').innerText" +
                                $".includes('{fixture.Live.Trials.Count}/400')", 15_000);
        page.AssertNoProblems();
        File.Delete(keyFile);
    }

    [BrowserFact]
    public async Task Without_importance_the_study_page_says_so_and_draws_the_rest()
    {
        await using var page = await BrowserPage.OpenAsync(fixture.Browser);
        await page.GoToAsync(new Uri(fixture.LocalServer.Url, StudyPage(fixture.Live)));

        await page.WaitForAsync("document.querySelector('#history-chart')?.dataset.points !== undefined");
        await page.WaitForAsync("document.querySelector('#importance-chart')?.dataset.bars === '0'");
        Assert.Contains("not computed", await page.TextAsync("#importance-chart"));
        // The 404 of the importance route (the answer, and the browser's log line about it) is the only problem:
        // the page handles it.
        Assert.NotEmpty(page.Problems);
        Assert.All(page.Problems, p => Assert.Contains("/importance", p));
    }

    [BrowserFact]
    public async Task An_unknown_study_shows_the_server_s_error()
    {
        await using var page = await BrowserPage.OpenAsync(fixture.Browser);
        await page.GoToAsync(fixture.Page("study.html?id=no-such-study"));

        await page.WaitForAsync("document.querySelector('#errors .error') !== null");
        Assert.Contains("no study 'no-such-study'", await page.TextAsync("#errors"));
        Assert.NotEmpty(page.Problems);
        Assert.All(page.Problems, p => Assert.Contains("/api/studies/no-such-study", p));
    }

    [ScreenshotFact]
    public async Task Screenshots_of_each_page()
    {
        var folder = Path.GetFullPath(Environment.GetEnvironmentVariable(ScreenshotFactAttribute.Variable)!,
            HypertuneProcess.RepositoryRoot);
        Directory.CreateDirectory(folder);
        await using var page = await BrowserPage.OpenAsync(fixture.Browser, width: 1280, height: 900);
        // The top of each page, as a person first sees it on a tall screen (a whole study page is many screens).
        async Task ShotAsync(Uri url, string ready, string name, int height)
        {
            await page.Page.SetViewportAsync(new PuppeteerSharp.ViewPortOptions { Width = 1280, Height = height });
            await page.GoToAsync(url);
            await page.WaitForAsync(ready);
            await page.WaitForAsync("document.querySelector('#live').dataset.state === 'live'");
            var path = Path.Combine(folder, $"dashboard-{name}.png");
            await page.Page.ScreenshotAsync(path);
            output.WriteLine($"{path}: {new FileInfo(path).Length} bytes");
        }

        await ShotAsync(fixture.Server.Url, "document.querySelector('#studies')?.dataset.studies === '5'", "studies",
            440);
        await ShotAsync(fixture.Page(StudyPage(fixture.Large)),
            "document.querySelector('#importance-chart')?.dataset.bars === '4'", "study", 2000);
        await ShotAsync(fixture.Page(StudyPage(fixture.Multi)),
            "document.querySelector('#pareto-chart')?.dataset.front !== undefined", "pareto", 1300);
        await ShotAsync(fixture.Page(StudyPage(fixture.Pbt)),
            "document.querySelector('#lineage-chart')?.dataset.events !== undefined", "pbt", 1500);
        await ShotAsync(fixture.Page("cluster.html"), "document.querySelector('#cluster')?.dataset.mode === 'cluster'",
            "cluster", 360);
        page.AssertNoProblems();
    }
}
