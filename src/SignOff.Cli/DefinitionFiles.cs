using SignOff.Core.Definitions;

namespace SignOff.Cli;

/// <summary>Reads definitions, rosters and governance routes from disk for the pure parser.</summary>
internal static class DefinitionFiles
{
    /// <summary>Loads every <c>governance/*.yaml</c> under a workflows folder.</summary>
    public static GovernanceRouteCatalog LoadRoutes(string workflows)
    {
        var folder = Path.Combine(workflows, "governance");
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"no governance routes at {folder}");
        }

        return GovernanceRouteCatalog.Parse(Directory.EnumerateFiles(folder, "*.yaml")
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileNameWithoutExtension(f), File.ReadAllText(f))));
    }

    public static DefinitionResult Parse(string text, DateOnly launchDate, CliOptions options) =>
        RoundDefinitionParser.Parse(text, launchDate, LoadRoutes(options.Workflows), options.Roster is null ? null : File.ReadAllText(options.Roster));
}
