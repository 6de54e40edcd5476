using SignOff.Testing;

namespace SignOff.Cli.Tests;

/// <summary>Promises the <c>signoff</c> entry script makes, read from the script itself.</summary>
public sealed class ScriptTests
{
    private static readonly string[] Script = File.ReadAllLines(RepositoryFiles.Path("signoff"));

    [Fact]
    public void MailDev_listens_on_loopback_only_smtp_and_web()
    {
        // MailDev's --ip binds SMTP alone; its web UI, which shows every officer's live link, has --web-ip.
        var starts = Script.Where(l => l.Contains("node_modules/.bin/maildev", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(starts);
        Assert.All(starts, line =>
        {
            Assert.Contains("--ip 127.0.0.1", line);
            Assert.Contains("--web-ip 127.0.0.1", line);
        });
    }
}
