namespace SignOff.EndToEnd.Tests.Support;

/// <summary>
/// What <c>./signoff test</c> hands the end-to-end tests: the running host, its API key, MailDev,
/// Chromium, axe-core and the artifacts folder. Each is required; a missing one fails with a
/// message saying so, because these tests only make sense against the system that script starts.
/// </summary>
public static class TestEnvironment
{
    /// <summary>The host's base URL, e.g. <c>http://127.0.0.1:5280</c> (no trailing slash).</summary>
    public static string Host => Require("SIGNOFF_TEST_HOST", "the base URL of the SignOff host it starts").TrimEnd('/');

    /// <summary>The coordinator API key the host was started with (send as <c>X-Api-Key</c>).</summary>
    public static string ApiKey => Require("SIGNOFF_TEST_API_KEY", "the API key of the SignOff host it starts");

    /// <summary>MailDev's web base URL; its REST API lists mail at <c>GET /api/email</c>.</summary>
    public static string MailDev => Require("SIGNOFF_TEST_MAILDEV", "MailDev's web URL").TrimEnd('/');

    /// <summary>axe-core's <c>axe.min.js</c>, installed from package-lock.json.</summary>
    public static string AxeScript => RequireFile("SIGNOFF_TEST_AXE", "axe-core's axe.min.js");

    /// <summary>Debian's Chromium (the only browser Playwright drives here; it never downloads one).</summary>
    public static string Chromium =>
        Environment.GetEnvironmentVariable("SIGNOFF_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Where screenshots and other files for people to look at go.</summary>
    public static string Artifacts => Require("SIGNOFF_TEST_ARTIFACTS", "the folder for screenshots");

    private static string Require(string name, string what) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. The end-to-end tests drive the running system: run them with ./signoff test, which sets {name} to {what}.");

    private static string RequireFile(string name, string what)
    {
        var path = Require(name, what);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{name} points at {path}, which does not exist ({what}; ./signoff test installs it from package-lock.json).");
    }
}
