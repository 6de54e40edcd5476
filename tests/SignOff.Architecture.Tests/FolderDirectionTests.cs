using NetArchTest.Rules;
using SignOff.Host.Hosting;

namespace SignOff.Architecture.Tests;

/// <summary>
/// The host's feature folders depend on each other in one direction, checked on the compiled
/// assembly: a folder may use only the folders listed for it, so no two folders import each other
/// and a new reference against the grain fails the build's tests, not a review.
/// </summary>
/// <remarks>
/// Read from the bottom up: the options and the command vocabulary (commands, their failures and
/// their one HTTP mapping, <c>Commands/Problems</c>) are used by everything; who is calling
/// (<c>Access</c>) by the API, the pages and the webhook endpoints; the pages' shared rendering by
/// the officer's page, whose links the mailer mints; effects are performed by the mailer and the
/// webhook fan-out, never the other way round (a handler says "retrying cannot help" in the
/// effects' own words); the Durable adapters implement the commands' and webhooks' ports; and
/// <c>Hosting</c>, the composition root, may use everything and is used by nothing.
/// </remarks>
public sealed class FolderDirectionTests
{
    private const string Root = "SignOff.Host";

    /// <summary>Each folder and the folders it may use.</summary>
    private static readonly Dictionary<string, string[]> MayUse = new()
    {
        { "Configuration", [] },
        { "Commands", ["Configuration"] },
        { "Documents", ["Configuration", "Commands"] },
        { "Effects", [] },
        { "Access", ["Configuration", "Commands"] },
        { "Pages", ["Configuration", "Commands", "Documents", "Access"] },
        { "Respond", ["Configuration", "Commands", "Documents", "Pages"] },
        { "Api", ["Configuration", "Commands", "Documents", "Access"] },
        { "Mail", ["Configuration", "Commands", "Documents", "Effects", "Respond"] },
        { "Webhooks", ["Configuration", "Commands", "Effects", "Access"] },
        { "Durable", ["Configuration", "Commands", "Effects", "Webhooks"] },
        { "Calendars", ["Configuration", "Commands", "Effects"] },
        { "Register", ["Configuration", "Commands", "Effects"] },
        { "Hosting", ["Configuration", "Commands", "Documents", "Effects", "Access", "Pages", "Respond", "Api", "Mail", "Webhooks", "Durable", "Calendars", "Register"] },
    };

    public static TheoryData<string, string[]> Directions => new(MayUse.Select(pair => (pair.Key, pair.Value)));

    [Theory]
    [MemberData(nameof(Directions))]
    public void A_folder_uses_only_the_folders_below_it(string folder, string[] mayUse)
    {
        var forbidden = Folders.Except(mayUse).Where(f => f != folder).Select(f => $"{Root}.{f}").ToArray();

        var result = Types.InAssembly(typeof(SignOffHosting).Assembly)
            .That().ResideInNamespace($"{Root}.{folder}")
            .ShouldNot().HaveDependencyOnAny(forbidden)
            .GetResult();

        Assert.True(result.IsSuccessful,
            $"{folder} must not use {string.Join(", ", forbidden)}; these types do: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Every_folder_of_the_host_has_a_direction()
    {
        var namespaces = typeof(SignOffHosting).Assembly.GetTypes()
            .Select(t => t.Namespace)
            .Where(n => n is not null && n.StartsWith(Root + ".", StringComparison.Ordinal))
            .Select(n => n![(Root.Length + 1)..].Split('.')[0])
            .Distinct()
            .ToList();

        Assert.NotEmpty(namespaces); // not vacuous: the folders were read
        Assert.All(namespaces, folder => Assert.Contains(folder, Folders));
    }

    [Fact]
    public void The_rule_sees_a_reference_against_the_grain()
    {
        // The rules above could pass by matching nothing: the composition root does use every folder.
        var result = Types.InAssembly(typeof(SignOffHosting).Assembly)
            .That().ResideInNamespace($"{Root}.Hosting")
            .ShouldNot().HaveDependencyOnAny($"{Root}.Mail")
            .GetResult();

        Assert.False(result.IsSuccessful);
    }

    private static IEnumerable<string> Folders => MayUse.Keys;
}
