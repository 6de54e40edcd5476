using SignOff.EndToEnd.Tests.Support;

[assembly: AssemblyFixture(typeof(BrowserFixture))]

// One host, one development clock: tests that move the clock would trip over each other if
// they ran at the same time, so this assembly's tests run one at a time.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace SignOff.EndToEnd.Tests.Support;

/// <summary>
/// Debian's Chromium, launched once for the whole assembly through Playwright's bundled driver
/// (the Node binary the package copies to the output's <c>.playwright</c> folder). Each page
/// comes in a fresh browser context (no cookies or storage shared between tests); closing the
/// page closes its context.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>The flags Chromium runs with: headless in a container, no background traffic.</summary>
    public static readonly IReadOnlyList<string> ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };

    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private IPlaywright? playwright;
    private IBrowser? browser;

    public IBrowser Browser => browser ?? throw new InvalidOperationException("The browser fixture has not been initialised.");

    public async ValueTask InitializeAsync()
    {
        // Fail here, once and clearly, rather than in every test.
        _ = TestEnvironment.Host;
        _ = TestEnvironment.ApiKey;
        _ = TestEnvironment.MailDev;
        _ = TestEnvironment.AxeScript;
        _ = TestEnvironment.Artifacts;
        var chromium = TestEnvironment.Chromium;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {chromium} (SIGNOFF_TEST_CHROMIUM). ./signoff test installs Debian's chromium package; Playwright never downloads a browser here.");
        }

        playwright = await Playwright.CreateAsync();
        try
        {
            browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ChromiumArgs,
            });
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException(
                $"Playwright could not launch Chromium at {chromium} with {string.Join(' ', ChromiumArgs)}: {e.Message}", e);
        }
    }

    /// <summary>A page at desktop size (1280×900) in a fresh context whose base URL is the host, so <c>GotoAsync("/health")</c> works.</summary>
    public Task<IPage> NewPageAsync() => NewPageAsync(Desktop);

    /// <summary>A page at phone size (390×844, touch, mobile viewport) in a fresh context.</summary>
    public Task<IPage> NewPhonePageAsync() => NewPageAsync(Phone, mobile: true);

    private Task<IPage> NewPageAsync(ViewportSize viewport, bool mobile = false) =>
        Browser.NewPageAsync(new()
        {
            BaseURL = TestEnvironment.Host,
            ViewportSize = viewport,
            IsMobile = mobile,
            HasTouch = mobile,
            Locale = "en-GB",
            TimezoneId = "Europe/London",
        });

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}
