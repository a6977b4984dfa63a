using PuppeteerSharp;

namespace HyperTune.Cli.Tests.Dashboard;

/// <summary>
/// A browser tab that records what would show as a problem in the developer tools: console errors, uncaught page
/// errors, failed requests and HTTP error answers. A page is good when <see cref="Problems"/> stays empty.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly List<string> _problems = [];
    private bool _recording = true;

    private BrowserPage(IPage page) => Page = page;

    /// <summary>The tab.</summary>
    public IPage Page { get; }

    /// <summary>What went wrong so far.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems) return [.. _problems];
        }
    }

    /// <summary>Opens a tab of <paramref name="width"/> × <paramref name="height"/> CSS pixels.</summary>
    public static async Task<BrowserPage> OpenAsync(IBrowser browser, int width = 1400, int height = 1000)
    {
        var page = new BrowserPage(await browser.NewPageAsync());
        await page.Page.SetViewportAsync(new ViewPortOptions { Width = width, Height = height });
        page.Page.DefaultTimeout = 30_000;
        page.Page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
                page.Add($"console error: {e.Message.Text}" + (e.Message.Location?.URL is { } at ? $" ({at})" : ""));
        };
        page.Page.PageError += (_, e) => page.Add($"page error: {e.Message}");
        page.Page.RequestFailed += (_, e) => page.Add($"request failed: {e.Request.Url}: {e.Request.FailureText}");
        page.Page.Response += (_, e) =>
        {
            if ((int)e.Response.Status >= 400) page.Add($"HTTP {(int)e.Response.Status}: {e.Response.Url}");
        };
        return page;
    }

    /// <summary>Loads <paramref name="url"/> and waits until the network is idle (the event stream aside).</summary>
    public async Task GoToAsync(Uri url)
    {
        var response = await Page.GoToAsync(url.ToString(), new NavigationOptions
        {
            WaitUntil = [WaitUntilNavigation.Load],
            Timeout = 30_000,
        });
        // 304: the page is cached and still current.
        Assert.True((int)response.Status < 400, $"{url}: HTTP {(int)response.Status}");
    }

    /// <summary>Waits until the JavaScript expression is truthy; a timeout fails naming it and the page's
    /// problems.</summary>
    public async Task WaitForAsync(string expression, int timeoutMs = 30_000)
    {
        try
        {
            await Page.WaitForFunctionAsync($"() => {expression}",
                new WaitForFunctionOptions { Timeout = timeoutMs, PollingInterval = 100 });
        }
        catch (WaitTaskTimeoutException)
        {
            var errors = await EvalAsync<string>("document.querySelector('#errors')?.textContent ?? ''");
            Assert.Fail($"not true after {timeoutMs} ms: {expression}\npage errors shown: {errors}\n" +
                        $"problems: {string.Join("\n", Problems)}");
        }
    }

    /// <summary>Evaluates a JavaScript expression.</summary>
    public Task<T> EvalAsync<T>(string expression) => Page.EvaluateExpressionAsync<T>(expression);

    /// <summary>The text of the first element matching a selector ("" when none does).</summary>
    public Task<string> TextAsync(string selector) =>
        EvalAsync<string>($"document.querySelector({Quote(selector)})?.textContent ?? ''");

    /// <summary>A JavaScript function (e.g. <c>e => e.dataset.name</c>) of every element matching a selector.</summary>
    public Task<T[]> MapAsync<T>(string selector, string map) =>
        EvalAsync<T[]>($"[...document.querySelectorAll({Quote(selector)})].map({map})");

    /// <summary>An attribute of the first element matching a selector, or null.</summary>
    public Task<string?> AttributeAsync(string selector, string attribute) =>
        EvalAsync<string?>($"document.querySelector({Quote(selector)})?.getAttribute({Quote(attribute)}) ?? null");

    /// <summary>Forgets the problems so far (those a test expected).</summary>
    public void ClearProblems()
    {
        lock (_problems) _problems.Clear();
    }

    /// <summary>Asserts that nothing went wrong on the page.</summary>
    public void AssertNoProblems() =>
        Assert.True(Problems.Count == 0, "the page had problems:\n" + string.Join("\n", Problems));

    private void Add(string problem)
    {
        lock (_problems)
            if (_recording)
                _problems.Add(problem);
    }

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    /// <summary>Closes the tab (closing aborts its event stream, which is not a problem).</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_problems) _recording = false;
        await Page.CloseAsync();
    }
}
