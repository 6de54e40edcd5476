using System.Net;
using System.Text.RegularExpressions;

namespace SignOff.Integration.Tests.Host;

/// <summary>
/// The API docs page works offline: everything it loads comes from the host itself, and it links
/// back to the app.
/// </summary>
public sealed partial class ApiDocsTests : IAsyncDisposable
{
    /// <summary>Hosts the page used to load from before it was made self-contained.</summary>
    private static readonly string[] ThirdPartyHosts = ["fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net", "unpkg.com"];

    private readonly SignOffFactory host;

    /// <summary>Follows redirects as a browser does, so relative script paths resolve as they would for a person.</summary>
    private readonly HttpClient browser;

    public ApiDocsTests()
    {
        host = new SignOffFactory();
        browser = host.CreateClient();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        browser.Dispose();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task The_docs_page_names_no_other_host()
    {
        var (_, html) = await DocsPageAsync();

        Assert.All(ThirdPartyHosts, h => Assert.DoesNotContain(h, html, StringComparison.OrdinalIgnoreCase));
        var external = AbsoluteUrl().Matches(html).Select(m => m.Value)
            .Where(url => !url.StartsWith("http://localhost", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(external);
    }

    [Fact]
    public async Task The_docs_page_loads_its_scripts_from_the_host_and_turns_off_the_cdn_fonts()
    {
        var (page, html) = await DocsPageAsync();

        var scripts = ScriptSource().Matches(html).Select(m => m.Groups["src"].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var src in scripts)
        {
            var url = new Uri(page, src);
            Assert.Equal(page.Authority, url.Authority);
            using var response = await browser.GetAsync(url, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var script = await response.Content.ReadAsStringAsync(Ct);
            Assert.All(ThirdPartyHosts, h => Assert.DoesNotContain(h, script, StringComparison.OrdinalIgnoreCase));
        }

        // The bundle's only fetch from elsewhere is its default fonts (fonts.scalar.com), which the page's configuration turns off.
        Assert.Contains("\"withDefaultFonts\":false", html);
        Assert.Contains("\"telemetry\":false", html);
    }

    [Fact]
    public async Task The_docs_page_links_back_to_the_app()
    {
        var (_, html) = await DocsPageAsync();

        Assert.Matches(new Regex("<a href=\"/rounds\"[^>]*>[^<]*Back to SignOff</a>"), html);
    }

    private async Task<(Uri Page, string Html)> DocsPageAsync()
    {
        using var response = await browser.GetAsync(new Uri("/docs", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.RequestMessage!.RequestUri!, await response.Content.ReadAsStringAsync(Ct));
    }

    [GeneratedRegex(@"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s""'<>]*", RegexOptions.IgnoreCase)]
    private static partial Regex AbsoluteUrl();

    [GeneratedRegex(@"<script[^>]*\ssrc=""(?<src>[^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSource();
}
