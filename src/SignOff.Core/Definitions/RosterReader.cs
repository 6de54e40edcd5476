using System.Globalization;
using CsvHelper;

namespace SignOff.Core.Definitions;

/// <summary>
/// Reads partners from a CSV roster: organisation, officer name, officer email, governance
/// route, meeting date, and optionally due by.
/// </summary>
/// <remarks>
/// Coordinators keep partner lists in spreadsheets; a roster lets them launch from one without
/// retyping. Headers are matched case-insensitively and ignoring spaces, hyphens and underscores,
/// so "Officer Email", "officer_email" and "officer-email" all work.
/// </remarks>
public static class RosterReader
{
    private static readonly string[] Required = ["organisation", "officer name", "officer email", "governance route"];
    private static readonly string[] Optional = ["meeting date", "due by"];

    /// <summary>Reads a roster, adding problems (with the CSV line and column) to <paramref name="problems"/>.</summary>
    public static IReadOnlyList<(PartnerDefinition? Partner, string Field)> Read(string csv, GovernanceRouteCatalog routes, List<DefinitionProblem> problems)
    {
        var result = new List<(PartnerDefinition?, string)>();
        try
        {
            using var reader = CsvReader.FromText(csv, CsvReaderOptions.Default with { TrimWhitespace = true, TrackLineNumbers = true });
            ReadRows(reader, routes, problems, result);
        }
        catch (Exception ex) when (ex is CsvFormatException or CsvValidationException)
        {
            problems.Add(new DefinitionProblem(ProblemSeverity.Error, "roster", null, null, $"the roster is not valid CSV: {ex.Message}"));
        }

        return result;
    }

    private static void ReadRows(CsvReader reader, GovernanceRouteCatalog routes, List<DefinitionProblem> problems, List<(PartnerDefinition?, string)> result)
    {
        reader.ReadHeader();
        var header = reader.Headers;
        if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
        {
            problems.Add(new DefinitionProblem(ProblemSeverity.Error, "roster", 1, null,
                $"the roster is empty; its first line must be the header: {string.Join(", ", Required.Concat(Optional))}"));
            return;
        }

        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var key = Normalise(header[i]);
            var known = Required.Concat(Optional).FirstOrDefault(k => Normalise(k) == key);
            if (known is null)
            {
                problems.Add(new DefinitionProblem(ProblemSeverity.Error, "roster line 1", 1, i + 1,
                    $"unknown column '{header[i]}'; expected: {string.Join(", ", Required.Concat(Optional))}"));
            }
            else
            {
                columns[known] = i;
            }
        }

        var missing = Required.Where(r => !columns.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            problems.Add(new DefinitionProblem(ProblemSeverity.Error, "roster line 1", 1, null, $"missing column(s): {string.Join(", ", missing)}"));
            return;
        }

        while (reader.Read())
        {
            var line = (int)reader.LineNumber;
            var field = string.Create(CultureInfo.InvariantCulture, $"roster line {line}");
            string? Cell(string column) => columns.TryGetValue(column, out var i) && i < reader.FieldCount && reader.GetString(i) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
            void Problem(string column, string message, ProblemKind kind, string? value = null) =>
                problems.Add(new DefinitionProblem(ProblemSeverity.Error, $"{field}: {column}", line, columns.TryGetValue(column, out var c) ? c + 1 : null, message, kind, value));

            var ok = true;
            string Need(string column)
            {
                var value = Cell(column);
                if (value is null)
                {
                    Problem(column, "is required", ProblemKind.Missing);
                    ok = false;
                }

                return value ?? "";
            }

            var organisation = Need("organisation");
            var officerName = Need("officer name");
            var email = Need("officer email");
            var routeId = Need("governance route");
            if (email.Length > 0 && !RoundDefinitionParser.IsEmail(email))
            {
                Problem("officer email", $"'{email}' is not a valid email address", ProblemKind.NotAnEmail, email);
                ok = false;
            }

            GovernanceRoute? route = null;
            if (routeId.Length > 0 && !routes.TryGet(routeId, out route))
            {
                Problem("governance route", $"unknown governance route '{routeId}'; known routes are: {string.Join(", ", routes.Ids)}", ProblemKind.UnknownRoute, routeId);
                ok = false;
            }

            DateOnly? Date(string column)
            {
                var text = Cell(column);
                if (text is null)
                {
                    return null;
                }

                if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                {
                    return d;
                }

                Problem(column, $"'{text}' is not a date; write it as YYYY-MM-DD", ProblemKind.NotADate, text);
                ok = false;
                return null;
            }

            var meeting = Date("meeting date");
            var dueBy = Date("due by");
            result.Add((ok ? new PartnerDefinition(organisation, new Person(officerName, email), new PartnerGovernance(route!, meeting), dueBy) : null, field));
        }
    }

    private static string Normalise(string header) =>
        new([.. header.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);
}
