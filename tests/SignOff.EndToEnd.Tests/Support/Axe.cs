using System.Text;
using System.Text.Json;

namespace SignOff.EndToEnd.Tests.Support;

/// <summary>One rule axe-core found broken, with the CSS selectors of the elements that break it.</summary>
public sealed record AxeViolation(string Id, string Impact, string Help, string HelpUrl, IReadOnlyList<string> Targets)
{
    public bool IsSerious => Impact is "serious" or "critical";

    public override string ToString() =>
        $"[{Impact}] {Id}: {Help} ({HelpUrl})" + string.Concat(Targets.Select(t => $"{Environment.NewLine}    at {t}"));
}

/// <summary>
/// Accessibility checks with axe-core (<c>SIGNOFF_TEST_AXE</c>, installed from package-lock.json)
/// against WCAG 2.0, 2.1 and 2.2 A/AA and axe's best practices.
/// </summary>
public static class Axe
{
    public static readonly IReadOnlyList<string> Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

    // A node's target is a list of selectors, one per frame; a shadow-DOM step is itself a list.
    private const string Run = """
        async tags => {
          const results = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
          return results.violations.map(v => ({
            id: v.id,
            impact: v.impact ?? 'unknown',
            help: v.help,
            helpUrl: v.helpUrl,
            targets: v.nodes.map(n => n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' >> ')),
          }));
        }
        """;

    /// <summary>Runs axe-core over the page as it is now and returns every violation.</summary>
    public static async Task<IReadOnlyList<AxeViolation>> CheckAsync(IPage page)
    {
        if (!await IsLoadedAsync(page))
        {
            try
            {
                await page.AddScriptTagAsync(new() { Path = TestEnvironment.AxeScript });
            }
            catch (PlaywrightException e) when (e.Message.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                // The page's own CSP forbids inline scripts (as it should): evaluate axe-core through
                // the DevTools protocol instead, which the page's CSP does not govern.
                await page.EvaluateAsync(await File.ReadAllTextAsync(TestEnvironment.AxeScript));
            }

            if (!await IsLoadedAsync(page))
            {
                throw new InvalidOperationException($"axe-core ({TestEnvironment.AxeScript}) did not load into {page.Url}.");
            }
        }

        var found = await page.EvaluateAsync<JsonElement>(Run, Tags);
        return [.. found.EnumerateArray().Select(v => new AxeViolation(
            v.GetProperty("id").GetString() ?? "",
            v.GetProperty("impact").GetString() ?? "unknown",
            v.GetProperty("help").GetString() ?? "",
            v.GetProperty("helpUrl").GetString() ?? "",
            [.. v.GetProperty("targets").EnumerateArray().Select(t => t.GetString() ?? "")]))];
    }

    /// <summary>Fails, listing each one, when axe-core finds any serious or critical violation.</summary>
    public static async Task AssertNoSeriousAsync(IPage page, string pageName)
    {
        var serious = (await CheckAsync(page)).Where(v => v.IsSerious).ToList();
        if (serious.Count == 0)
        {
            return;
        }

        var report = new StringBuilder()
            .Append(pageName).Append(" (").Append(page.Url).Append(") has ").Append(serious.Count)
            .Append(" serious or critical accessibility violation").Append(serious.Count == 1 ? "" : "s").Append(':');
        foreach (var violation in serious)
        {
            report.AppendLine().Append("  ").Append(violation);
        }

        Assert.Fail(report.ToString());
    }

    private static Task<bool> IsLoadedAsync(IPage page) => page.EvaluateAsync<bool>("() => typeof window.axe?.run === 'function'");
}
