using System.Reflection;
using SignOff.Core.Rounds;
using SignOff.Workflow.Rounds;

namespace SignOff.Workflow.Tests;

/// <summary>
/// The boundaries the design rests on, checked on the compiled assemblies: the core is pure (no
/// Durable, Functions, Azure or ASP.NET type can reach it), and the workflow classes know the
/// Durable SDK's abstractions and the core, never a host.
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
        var root = RepositoryRoot();
        var reads = new System.Text.RegularExpressions.Regex(@"\b(DateTimeOffset\.(UtcNow|Now)|DateTime\.(UtcNow|Now|Today)|TimeProvider\.System)\b");
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal) && !RealTimeAllowedIn.Contains(f))
            .SelectMany(f => File.ReadLines(Path.Combine(root, f)).Select((line, i) => (f, i, line)))
            .Where(x => !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && !x.line.TrimStart().StartsWith("///", StringComparison.Ordinal) && reads.IsMatch(x.line))
            .Select(x => $"{x.f}:{x.i + 1}: {x.line.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "real time read outside the clocks:\n" + string.Join("\n", offenders));
        Assert.Contains(File.ReadLines(Path.Combine(root, RealTimeAllowedIn[0])), l => reads.IsMatch(l)); // not vacuous: the pattern finds a read
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SignOff.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (SignOff.sln) is not above the test's folder.");
    }

    private static List<string> Names(Assembly assembly) => [.. assembly.GetReferencedAssemblies().Select(a => a.Name!)];
}
