using System.Reflection;
using System.Text.RegularExpressions;
using SignOff.Core.Rounds;
using SignOff.Testing;
using SignOff.Workflow.Rounds;

namespace SignOff.Workflow.Tests;

/// <summary>
/// The boundaries the design rests on, checked on the compiled assemblies: the core is pure (no
/// Durable, Functions, Azure or ASP.NET type can reach it), and the workflow classes know the
/// Durable SDK's abstractions and the core, never a host; and, read from the sources, the rules a
/// compiler cannot see: real time comes from the injected clocks, dates for people from UkDates.
/// </summary>
public sealed class BoundaryTests
{
    private static readonly string[] Hosts = ["Microsoft.Azure.Functions", "Microsoft.AspNetCore", "Azure.", "DurableTask.", "SignOff.Host", "SignOff.Functions", "SignOff.Storage"];

    [Fact]
    public void The_core_references_nothing_durable_functions_azure_or_aspnet()
    {
        var references = Names(typeof(RoundProcess).Assembly);

        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.DurableTask", StringComparison.Ordinal) || Hosts.Any(h => r.StartsWith(h, StringComparison.Ordinal)));
        Assert.Contains("YamlDotNet", references); // not vacuous: the references were read
    }

    [Fact]
    public void The_workflow_classes_know_the_durable_abstractions_and_the_core_and_no_host()
    {
        var references = Names(typeof(RoundEntity).Assembly);

        Assert.Contains("Microsoft.DurableTask.Abstractions", references);
        Assert.Contains("SignOff.Core", references);
        Assert.DoesNotContain(references, r => Hosts.Any(h => r.StartsWith(h, StringComparison.Ordinal)) || r is "Microsoft.DurableTask.Worker" or "Microsoft.DurableTask.Client");
    }

    /// <summary>Where real time may be read: the wall clock itself, and the composition roots that hand it out.</summary>
    private static readonly string[] RealTimeAllowedIn =
    [
        "src/SignOff.Storage/WallClock.cs",
        "src/SignOff.Host/Hosting/SignOffHosting.cs",
        "src/SignOff.Cli/Program.cs",
    ];

    [Fact]
    public void Real_time_is_read_through_the_injected_clocks_only()
    {
        // The round clock (the host's TimeProvider, which development moves) and the wall clock
        // (WallClock: leases, signatures, sessions) are injected; nothing else reads the machine's time.
        var root = RepositoryFiles.Root;
        var reads = new Regex(@"\b(DateTimeOffset\.(UtcNow|Now)|DateTime\.(UtcNow|Now|Today)|TimeProvider\.System)\b");
        var offenders = SourceLinesMatching(root, reads, RealTimeAllowedIn, "*.cs");

        Assert.True(offenders.Count == 0, "real time read outside the clocks:\n" + string.Join("\n", offenders));
        Assert.Contains(File.ReadLines(Path.Combine(root, RealTimeAllowedIn[0])), l => reads.IsMatch(l)); // not vacuous: the pattern finds a read
    }

    /// <summary>The one home of how dates are written for people.</summary>
    private const string DateWordingHome = "src/SignOff.Core/Wording/UkDates.cs";

    [Fact]
    public void Dates_are_written_for_people_in_one_place()
    {
        // A page, an email or the pack that writes its own "3 March 2027" can drift from the rest
        // (another culture, another order): they all write dates in full through UkDates.
        var root = RepositoryFiles.Root;
        var formats = new Regex("d MMMM yyyy");
        var offenders = SourceLinesMatching(root, formats, [DateWordingHome], "*.cs", "*.razor");

        Assert.True(offenders.Count == 0, "a date written for people outside UkDates:\n" + string.Join("\n", offenders));
        Assert.Contains(File.ReadLines(Path.Combine(root, DateWordingHome)), l => formats.IsMatch(l)); // not vacuous: the pattern finds the format
    }

    /// <summary>"path:line: text" for each line of code (not comment) under src that matches, outside the files allowed.</summary>
    private static List<string> SourceLinesMatching(string root, Regex pattern, string[] allowedIn, params string[] filePatterns) =>
        [.. filePatterns.SelectMany(p => Directory.EnumerateFiles(Path.Combine(root, "src"), p, SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal) && !allowedIn.Contains(f))
            .SelectMany(f => File.ReadLines(Path.Combine(root, f)).Select((line, i) => (f, i, line)))
            .Where(x => !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && pattern.IsMatch(x.line))
            .Select(x => $"{x.f}:{x.i + 1}: {x.line.Trim()}")];

    private static List<string> Names(Assembly assembly) => [.. assembly.GetReferencedAssemblies().Select(a => a.Name!)];
}
