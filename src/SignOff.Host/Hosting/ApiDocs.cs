using Scalar.AspNetCore;

namespace SignOff.Host.Hosting;

/// <summary>The API reference page at <c>/docs</c> (Scalar), served whole by this host.</summary>
/// <remarks>
/// Out of the box Scalar's page fetches its fonts from Scalar's CDN and reports use of its API
/// client to Scalar: a developer offline (or a council network blocking third-party hosts) gets a
/// broken page, and a coordinator's browser would tell a third party it uses SignOff. The script
/// is already embedded in Scalar.AspNetCore and served from <c>/docs/scalar.js</c>; turning off the
/// CDN fonts, telemetry and the hosted AI agent leaves nothing to fetch from elsewhere. The page
/// uses the reader's own system fonts instead, and has a link back to the coordinator's rounds,
/// since people reach it from the app and would otherwise have only the browser's back button.
/// </remarks>
internal static class ApiDocs
{
    /// <summary>Where the docs page lives.</summary>
    public const string Path = "/docs";

    /// <summary>Where the link back to the app goes: the coordinator's list of rounds.</summary>
    public const string BackToApp = "/rounds";

    private const string HeaderLink =
        $"""<nav class="signoff-docs-nav"><a href="{BackToApp}">&larr; Back to SignOff</a></nav>""";

    /// <summary>System fonts in place of the CDN's Inter and JetBrains Mono, and the back link's look.</summary>
    private const string Css = """
        :root, .light-mode, .dark-mode {
          --scalar-font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          --scalar-font-code: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace;
        }
        .signoff-docs-nav { padding: 0.5rem 1rem; font-family: var(--scalar-font); border-bottom: 1px solid var(--scalar-border-color, #ddd); }
        .signoff-docs-nav a { color: var(--scalar-color-accent, #0b5cad); font-weight: 600; }
        """;

    /// <summary>Configures Scalar for a self-contained page.</summary>
    public static void Configure(ScalarOptions options) =>
        options
            .WithTitle("SignOff API")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .WithCustomCss(Css)
            .AddHeaderContent(HeaderLink);
}
