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

    private static List<string> Names(Assembly assembly) => [.. assembly.GetReferencedAssemblies().Select(a => a.Name!)];
}
