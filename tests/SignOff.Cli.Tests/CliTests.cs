using SignOff.Testing;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SignOff.Cli;

namespace SignOff.Cli.Tests;

/// <summary>The command line as a coordinator uses it: real files, real output, real exit codes.</summary>
public sealed class CliTests : IDisposable
{
    private static readonly string Workflows = Path.Combine(AppContext.BaseDirectory, "workflows");
    private readonly string scratch = Directory.CreateTempSubdirectory("signoff-cli-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private static string Example(string name) => Path.Combine(Workflows, "examples", name);

    /// <summary>A morning in 2021, before the Mid Essex round's deadline.</summary>
    private static readonly DateTimeOffset BeforeTheExamples = new(2021, 5, 4, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A day after every shipped example's deadline, as when a developer first runs them.</summary>
    private static readonly DateTimeOffset AfterTheExamples = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Every shipped example definition, by file name.</summary>
    public static TheoryData<string> ShippedExamples { get; } =
        new(Directory.EnumerateFiles(Path.Combine(Workflows, "examples"), "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => RunAt(BeforeTheExamples, args);

    private static async Task<(int Code, string Out, string Err)> RunAt(DateTimeOffset now, params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var clock = new FakeTimeProvider(now);
        var code = await CliApp.RunAsync([.. args, "--workflows", Workflows], output, errors, clock);
        return (code, output.ToString(), errors.ToString());
    }

    /// <summary>The arguments that run a command on an example as its header comment says: with its roster, if it has one.</summary>
    private static string[] ExampleArguments(string command, string example) =>
        example.EndsWith("-with-roster.yaml", StringComparison.Ordinal)
            ? [command, Example(example), "--roster", Example(example.Replace("-with-roster.yaml", "-roster.csv", StringComparison.Ordinal))]
            : [command, Example(example)];

    private static string[] Lines(string text) => text.TrimEnd().Split(Environment.NewLine);

    [Fact]
    public async Task Plan_prints_a_readable_timetable()
    {
        var (code, output, errors) = await Run("plan", Example("mid-essex-alliance-mou.yaml"), "--launch", "2021-05-04");

        Assert.Equal(0, code);
        Assert.Equal("", errors);
        Assert.StartsWith("Mid Essex Alliance Memorandum of Understanding (MEA-MOU-2021)", output);
        Assert.Contains("Launch Tue 4 May 2021 · deadline Sat 31 Jul 2021", output);
        var braintree = output.Split('\n').Single(l => l.StartsWith("Braintree District Council", StringComparison.Ordinal));
        Assert.Contains("Mon 21 Jun 2021", braintree);
        Assert.Contains("Mon 28 Jun 2021", braintree);
        Assert.Contains("Tue 29 Jun 2021", braintree);
        Assert.Contains("Earliest possible effective date: Wed 28 Jul 2021", output);
    }

    [Theory]
    [MemberData(nameof(ShippedExamples))]
    public async Task Plan_succeeds_on_every_shipped_example_after_its_deadline(string example)
    {
        var (code, output, errors) = await RunAt(AfterTheExamples, ExampleArguments("plan", example));

        Assert.Equal(0, code);
        Assert.DoesNotContain("is before the launch date", errors);
        Assert.All(
            [
                "Note: the deadline has passed, so this plans the round as if launched 15 working days",
                "before its first meeting or due date. Choose the launch date with --launch YYYY-MM-DD.",
                "Earliest possible effective date:",
            ],
            line => Assert.Contains(line, output));
    }

    [Theory]
    [InlineData(false, "Launch Tue 4 May 2021 · deadline Sat 31 Jul 2021")]
    // After the deadline: 15 working days before the first meeting (Chelmsford CVS's, Tue 8 Jun 2021; Mon 31 May is a bank holiday).
    [InlineData(true, "Launch Mon 17 May 2021 · deadline Sat 31 Jul 2021")]
    public async Task Plan_without_a_launch_date_launches_today_unless_the_deadline_has_passed(bool afterTheDeadline, string launch)
    {
        var (code, output, _) = await RunAt(afterTheDeadline ? AfterTheExamples : BeforeTheExamples, "plan", Example("mid-essex-alliance-mou.yaml"));

        Assert.Equal(0, code);
        Assert.Contains(launch, output);
        Assert.Equal(afterTheDeadline, output.Contains("Note: the deadline has passed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plan_as_json_after_the_deadline_keeps_the_note_out_of_the_json()
    {
        var (code, output, errors) = await RunAt(AfterTheExamples, "plan", Example("sefton-place-collaboration-agreement.yaml"), "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("2022-06-28", json.RootElement.GetProperty("launchOn").GetString());
        Assert.StartsWith("Note: the deadline has passed", errors);
    }

    [Theory]
    [MemberData(nameof(ShippedExamples))]
    public async Task Plan_fits_a_100_column_terminal(string example)
    {
        foreach (var now in new[] { BeforeTheExamples, AfterTheExamples })
        {
            var (code, output, _) = await RunAt(now, ExampleArguments("plan", example));

            Assert.Equal(0, code);
            Assert.All(Lines(output), line => Assert.True(line.Length <= 100, $"{line.Length} columns: {line}"));
        }
    }

    [Fact]
    public async Task Plan_wraps_a_long_partner_name_under_its_own_column()
    {
        var (_, output, _) = await Run("plan", Example("mid-essex-alliance-mou.yaml"), "--launch", "2021-05-04");

        var lines = Lines(output);
        var first = Array.FindIndex(lines, l => l.StartsWith("Essex Partnership University NHS", StringComparison.Ordinal));
        Assert.Contains("Wed 7 Jul 2021", lines[first]);
        Assert.Equal("Trust", lines[first + 1].Trim());
        Assert.StartsWith("    nhs-trust-board · due Sat 31 Jul 2021 · reminders ", lines[first + 2]);
    }

    [Fact]
    public async Task Plan_as_json_for_machines()
    {
        var (code, output, _) = await Run("plan", Example("sefton-place-collaboration-agreement.yaml"), "--launch", "2022-06-01", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(11, json.RootElement.GetProperty("partners").GetArrayLength());
        Assert.Equal("2022-09-09", json.RootElement.GetProperty("earliestEffectiveOn").GetString());
        var sefton = json.RootElement.GetProperty("partners").EnumerateArray().Single(p => p.GetProperty("partner").GetString() == "Sefton Metropolitan Borough Council");
        Assert.Equal("2022-09-08", sefton.GetProperty("callInEndsOn").GetString());
        Assert.Equal("2022-09-09", sefton.GetProperty("earliestAuthorisationOn").GetString());
    }

    [Fact]
    public async Task Plan_with_a_roster()
    {
        var (code, output, _) = await Run("plan", Example("mid-essex-alliance-with-roster.yaml"), "--roster", Example("mid-essex-alliance-roster.csv"), "--launch", "2021-05-04");

        Assert.Equal(0, code);
        Assert.Contains("Anglia Ruskin University", output);
    }

    [Fact]
    public async Task Plan_of_a_broken_definition_lists_every_problem_and_fails()
    {
        var file = Path.Combine(scratch, "broken.yaml");
        await File.WriteAllTextAsync(file, /*lang=yaml*/ """
            agreement: { title: T, reference: R }
            round: { deadline: 2021-07-31 }
            coordinator: { name: P, email: p@ }
            partners:
              - { name: A, officer: { name: O, email: o@a.example }, governance: { route: cabinet-membr } }
            """, TestContext.Current.CancellationToken);

        var (code, output, errors) = await Run("plan", file, "--launch", "2021-05-04");

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal(
        [
            $"{file}: warning: line 2, column 8: round.chairs: no chairs: nobody will receive digests or escalations",
            $"{file}: line 3, column 32: coordinator.email: 'p@' is not a valid email address",
            $"{file}: line 5, column 79: partners[0].governance.route: unknown governance route 'cabinet-membr'; known routes are: cabinet, cabinet-10-day-call-in, cabinet-member, charity-board, company-board, delegated-officer, full-council, icb-board, nhs-trust-board, university-council",
        ], errors.TrimEnd().Split(Environment.NewLine));
    }

    [Theory]
    [InlineData(new[] { "plan" }, "signoff: plan needs a round definition file")]
    [InlineData(new[] { "plan", "/no/such/file.yaml" }, "signoff: no such file: /no/such/file.yaml")]
    [InlineData(new[] { "plan", "x", "--launch", "31/07/2021" }, "signoff: --launch needs a date as YYYY-MM-DD, not '31/07/2021'")]
    [InlineData(new[] { "plan", "x", "--colour" }, "signoff: unknown option --colour")]
    public async Task Usage_mistakes_exit_2_with_a_reason(string[] args, string message)
    {
        var (code, _, errors) = await Run(args);

        Assert.Equal(2, code);
        Assert.Equal(message, errors.Trim());
    }

    [Fact]
    public async Task Demo_plays_an_example_round_to_effective()
    {
        var (code, output, _) = await Run("demo", Example("mid-essex-alliance-mou.yaml"));

        Assert.Equal(0, code);
        Assert.Contains("Round started: Mid Essex Alliance Memorandum of Understanding", output);
        Assert.Contains("Essex County Council: approved by Cabinet Member", output);
        Assert.Contains("AGREEMENT EFFECTIVE on", output);
        Assert.Contains("Mid Essex Alliance Memorandum of Understanding: effective on", output);
    }

    [Theory]
    [MemberData(nameof(ShippedExamples))]
    public async Task Demo_plays_a_decline_a_revision_conditions_and_a_deferral(string example)
    {
        var (code, output, _) = await RunAt(AfterTheExamples, ExampleArguments("demo", example));

        Assert.Equal(0, code);
        string[] story =
        [
            ": declined by ",
            "Round stalled: ",
            "Draft revised: version 2 (material: every partner decides again): Clause 9 reworded",
            ": approved subject to conditions by ",
            "the coordinator accepted ",
            ": deferred by ",
            "AGREEMENT EFFECTIVE on",
        ];
        Assert.All(story, turn => Assert.Contains(turn, output));
        Assert.DoesNotContain("refused", output);
    }

    [Fact]
    public async Task Holidays_refresh_merges_newer_data_from_the_source()
    {
        await using var server = await OneShotServer.Start("""
            {"england-and-wales": {"division": "england-and-wales", "events": [
              {"title": "New Year’s Day", "date": "2029-01-01", "notes": "", "bunting": true},
              {"title": "Christmas Day", "date": "2029-12-25", "notes": "", "bunting": true}
            ]}}
            """);
        var target = Path.Combine(scratch, "bank-holidays.json");

        var (code, output, errors) = await Run("holidays", server.Url, "--out", target);

        Assert.Equal(0, code);
        Assert.Equal("", errors);
        Assert.Contains("england-and-wales 2029–2029", output);
        var merged = SignOff.Core.Calendar.BankHolidays.Parse(await File.ReadAllTextAsync(target, TestContext.Current.CancellationToken));
        Assert.True(merged.IsBankHoliday("england-and-wales", new DateOnly(2029, 12, 25)));
        Assert.True(merged.IsBankHoliday("england-and-wales", new DateOnly(2021, 12, 27)));
        Assert.True(merged.IsBankHoliday("scotland", new DateOnly(2021, 1, 4)));
    }

    [Fact]
    public async Task Holidays_refresh_keeps_the_shipped_data_when_the_source_is_not_bank_holidays()
    {
        await using var server = await OneShotServer.Start("<html>maintenance</html>");
        var target = Path.Combine(scratch, "bank-holidays.json");

        var (code, _, errors) = await Run("holidays", server.Url, "--out", target);

        Assert.Equal(1, code);
        Assert.StartsWith($"signoff: {server.Url} did not return bank-holiday data: Bank-holiday data is not valid JSON", errors);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task Holidays_refresh_when_the_source_is_unreachable()
    {
        var port = OneShotServer.FreePort();
        var (code, _, errors) = await Run("holidays", $"http://127.0.0.1:{port}/bank-holidays.json", "--out", Path.Combine(scratch, "x.json"));

        Assert.Equal(1, code);
        Assert.Contains("could not fetch bank holidays", errors);
        Assert.Contains("The shipped data (2018–2028) stays in use.", errors);
    }

    /// <summary>A loopback HTTP server answering every request with one body.</summary>
    private sealed class OneShotServer : IAsyncDisposable
    {
        private readonly TcpListener listener;
        private readonly Task loop;
        private readonly CancellationTokenSource stop = new();

        private OneShotServer(string body)
        {
            listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/bank-holidays.json";
            loop = Serve(body);
        }

        public string Url { get; }

        public static Task<OneShotServer> Start(string body) => Task.FromResult(new OneShotServer(body));

        public static int FreePort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        private async Task Serve(string body)
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    using var client = await listener.AcceptTcpClientAsync(stop.Token);
                    var stream = client.GetStream();
                    var buffer = new byte[8192];
                    // One read is enough for a GET's headers; the body we answer with does not depend on them.
                    _ = await stream.ReadAtLeastAsync(buffer, 1, throwOnEndOfStream: false, stop.Token);
                    var bytes = Encoding.UTF8.GetBytes(body);
                    var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(head, stop.Token);
                    await stream.WriteAsync(bytes, stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped by the test.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            listener.Stop();
            await loop;
            stop.Dispose();
        }
    }
}
