using System.Diagnostics;
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

    [Fact]
    public async Task A_build_is_skipped_until_something_it_reads_changes()
    {
        // The script's own up-to-date check, sourced and pointed at a scratch tree with a build stamp.
        var output = await BashAsync("""
            source "$SCRIPT"
            tree="$(mktemp -d)"; trap 'rm -rf "$tree"' EXIT; ROOT="$tree"
            mkdir -p "$ROOT"/src/App/bin "$ROOT"/src/App/obj "$ROOT"/tests "$ROOT"/tools "$ROOT"/workflows
            touch -d '2020-01-01' "$ROOT"/src/App/App.cs "$ROOT"/src/App/App.csproj "$ROOT"/Directory.Build.props
            check() { if sources_changed_since "$ROOT/stamp"; then echo "$1: build"; else echo "$1: skip"; fi; }
            check "no stamp yet"
            touch "$ROOT/stamp"
            check "nothing changed"
            touch -d '2030-01-01' "$ROOT"/src/App/bin/App.dll "$ROOT"/src/App/obj/App.dll
            check "only build output changed"
            touch -d '2030-01-01' "$ROOT"/src/App/App.cs
            check "a source changed"
            touch -d '2020-01-01' "$ROOT"/src/App/App.cs; touch -d '2030-01-01' "$ROOT"/Directory.Build.props
            check "the shared props changed"
            """);

        Assert.Equal(
        [
            "no stamp yet: build",
            "nothing changed: skip",
            "only build output changed: skip",
            "a source changed: build",
            "the shared props changed: build",
        ], output.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task A_step_says_what_it_is_doing_and_how_long_it_took()
    {
        var lines = await RunStepAsync("""echo "  A -> a.dll"; echo "  B -> b.dll" """);

        // Not a terminal: one line as the step starts and one as it ends, the command's own output kept in its log.
        Assert.Equal("Building something…", lines[0]);
        Assert.Matches(@"^Building something: done in 0:0\d$", lines[1]);
        Assert.Equal(["after the step"], lines[2..]);
    }

    [Fact]
    public async Task A_failing_step_shows_the_errors_and_stops()
    {
        var lines = await RunStepAsync("""echo "x.cs(1,1): error CS1002: ; expected [x.csproj]"; echo "noise"; exit 1""", expectedExitCode: 1);

        Assert.Equal("x.cs(1,1): error CS1002: ; expected [x.csproj]", lines[1]);
        Assert.Matches(@"^signoff: Building something failed after 0:0\d \(full output: ", lines[2]);
        Assert.Equal(3, lines.Length);
    }

    /// <summary>The script's run_step over a bash command, then an echo; the lines printed, without bold escapes.</summary>
    private static async Task<string[]> RunStepAsync(string command, int expectedExitCode = 0)
    {
        var output = await BashAsync($$"""
            source "$SCRIPT"
            log="$(mktemp)"; trap 'rm -f "$log"' EXIT
            run_step "Building something" "$log" 2 bash -c '{{command}}'
            echo "after the step"
            """, expectedExitCode);
        return Plain(output).TrimEnd().Split('\n');
    }

    /// <summary>Output without the script's bold on/off escapes.</summary>
    private static string Plain(string text) => text.Replace("\e[1m", "", StringComparison.Ordinal).Replace("\e[0m", "", StringComparison.Ordinal);

    /// <summary>Runs bash with <c>$SCRIPT</c> naming the entry script; returns what it printed (stdout and stderr).</summary>
    private static async Task<string> BashAsync(string commands, int expectedExitCode = 0)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec 2>&1\n" + commands);
        start.Environment["SCRIPT"] = RepositoryFiles.Path("signoff");
        using var bash = Process.Start(start)!;
        bash.StandardInput.Close();
        var output = await bash.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await bash.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(bash.ExitCode == expectedExitCode, $"bash exited {bash.ExitCode}:\n{output}");
        return output;
    }
}
