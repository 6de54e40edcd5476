using System.Collections.Frozen;
using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SignOff.Core.Definitions;

/// <summary>A governance route file is invalid.</summary>
public sealed class GovernanceRouteException(string message) : Exception(message);

/// <summary>
/// The governance routes a deployment knows (<c>workflows/governance/*.yaml</c>).
/// </summary>
/// <remarks>
/// Route files are part of the deployment, not user input: an invalid one stops start-up with
/// every problem listed, rather than surfacing later as an "unknown route" for a coordinator.
/// </remarks>
public sealed class GovernanceRouteCatalog
{
    private static readonly string[] Fields = ["name", "kind", "callInClearWorkingDays", "decisionBody", "description"];
    private readonly FrozenDictionary<string, GovernanceRoute> routes;

    private GovernanceRouteCatalog(IEnumerable<GovernanceRoute> routes) =>
        this.routes = routes.ToFrozenDictionary(r => r.Id, StringComparer.Ordinal);

    /// <summary>Every route, by id.</summary>
    public IReadOnlyCollection<GovernanceRoute> All => routes.Values;

    /// <summary>Route ids in order, for messages.</summary>
    public IEnumerable<string> Ids => routes.Keys.Order(StringComparer.Ordinal);

    /// <summary>Builds a catalog from route files given as (id, YAML text).</summary>
    /// <exception cref="GovernanceRouteException">Any file is invalid; the message lists every problem.</exception>
    public static GovernanceRouteCatalog Parse(IEnumerable<(string Id, string Yaml)> files)
    {
        var problems = new List<string>();
        var parsed = new List<GovernanceRoute>();
        foreach (var (id, yaml) in files)
        {
            var route = ParseOne(id, yaml, problems);
            if (route is not null)
            {
                parsed.Add(route);
            }
        }

        if (problems.Count > 0)
        {
            throw new GovernanceRouteException("Invalid governance routes:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }

        return new GovernanceRouteCatalog(parsed);
    }

    /// <summary>Looks a route up by id.</summary>
    public bool TryGet(string id, out GovernanceRoute route)
    {
        if (routes.TryGetValue(id, out var found))
        {
            route = found;
            return true;
        }

        route = null!;
        return false;
    }

    private static GovernanceRoute? ParseOne(string id, string yaml, List<string> problems)
    {
        var before = problems.Count;
        void Problem(string message) => problems.Add($"{id}: {message}");

        if (!YamlText.TryLoad(yaml, out var root, out var syntax))
        {
            Problem(string.Create(CultureInfo.InvariantCulture, $"line {syntax.Line}, column {syntax.Column}: not valid YAML: {syntax.Message}"));
            return null;
        }

        if (root is not YamlMappingNode map)
        {
            Problem("a route file must be a mapping of name, kind, callInClearWorkingDays, decisionBody, description");
            return null;
        }

        string? Text(string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var n) && n is YamlScalarNode s ? s.Value : null;
        foreach (var key in map.Children.Keys.OfType<YamlScalarNode>().Where(k => !Fields.Contains(k.Value)))
        {
            Problem($"unknown field '{key.Value}'");
        }

        var name = Text("name");
        if (string.IsNullOrWhiteSpace(name))
        {
            Problem("name is required");
        }

        GovernanceKind? kind = Text("kind") switch
        {
            "individual-decision" => GovernanceKind.IndividualDecision,
            "meeting" => GovernanceKind.Meeting,
            "delegated-officer" => GovernanceKind.DelegatedOfficer,
            _ => null,
        };
        if (kind is null)
        {
            Problem("kind must be individual-decision, meeting or delegated-officer");
        }

        var callIn = 0;
        var callInText = Text("callInClearWorkingDays");
        if (callInText is not null && (!int.TryParse(callInText, NumberStyles.None, CultureInfo.InvariantCulture, out callIn) || callIn > 30))
        {
            Problem("callInClearWorkingDays must be a whole number from 0 to 30");
        }

        if (problems.Count > before)
        {
            return null;
        }

        return new GovernanceRoute(id, name!.Trim(), kind!.Value, callIn, Text("decisionBody")?.Trim() ?? name.Trim(), Text("description")?.Trim() ?? "");
    }
}
