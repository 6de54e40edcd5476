using SignOff.Core.Definitions;

namespace SignOff.Core.Tests.Support;

/// <summary>The repository's workflows folder, copied beside the tests.</summary>
public static class Workflows
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "workflows");

    public static string Read(params string[] path) => File.ReadAllText(Path.Combine([Folder, .. path]));

    public static GovernanceRouteCatalog Routes { get; } = GovernanceRouteCatalog.Parse(
        Directory.EnumerateFiles(Path.Combine(Folder, "governance"), "*.yaml")
            .Select(f => (Path.GetFileNameWithoutExtension(f), File.ReadAllText(f))));
}
