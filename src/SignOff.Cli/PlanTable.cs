using System.Globalization;
using System.Text;
using SignOff.Core.Rounds;
using SignOff.Core.Wording;

namespace SignOff.Cli;

/// <summary>Renders a round plan as a plain-text table for a terminal.</summary>
/// <remarks>
/// Every line fits <see cref="Width"/> columns, the width of a common terminal beside an editor:
/// a table that wraps in the terminal is unreadable. So each partner has one row of the dates a
/// coordinator compares across partners (meeting, call-in, authorisation), under a partner column
/// whose long names wrap onto further lines, then an indented line of the rest (route, due date,
/// reminders), which wraps at word boundaries.
/// </remarks>
public static class PlanTable
{
    /// <summary>The widest line the table prints.</summary>
    public const int Width = 100;

    private const string Gap = "  ";

    private const string DetailIndent = "    ";

    /// <summary>The narrowest the partner column gets, however wide the dates are.</summary>
    private const int MinimumPartnerWidth = 20;

    private static readonly string[] Headings = ["Partner", "Meeting", "Call-in ends", "Earliest authorised"];

    /// <summary>Renders <paramref name="plan"/>, with <paramref name="note"/> (if any) under its heading.</summary>
    public static string Render(RoundPlan plan, string? note = null)
    {
        var rows = plan.Partners.Select(p => new PartnerRow(
            p.Partner,
            [Date(p.MeetingOn), Date(p.CallInEndsOn), Date(p.EarliestAuthorisationOn) + (p.LateForDueDate ? "  LATE" : "")],
            Details(p))).ToList();
        var dateWidths = Enumerable.Range(1, Headings.Length - 1)
            .Select(c => rows.Select(r => r.Dates[c - 1].Length).Append(Headings[c].Length).Max())
            .ToArray();
        var partnerRoom = Width - dateWidths.Sum() - (Gap.Length * dateWidths.Length);
        var partnerWidth = Math.Max(MinimumPartnerWidth, Math.Min(partnerRoom, rows.Select(r => r.Partner.Length).Append(Headings[0].Length).Max()));
        int[] widths = [partnerWidth, .. dateWidths];

        var text = new StringBuilder();
        AppendWrapped(text, $"{plan.Title} ({plan.Reference})", "");
        AppendWrapped(text, $"Launch {Date(plan.LaunchOn)} · deadline {Date(plan.Deadline)} · working days: {plan.Calendar} bank holidays", "");
        foreach (var noteLine in note?.Split(Environment.NewLine) ?? [])
        {
            AppendWrapped(text, noteLine, "      ");
        }

        text.AppendLine();
        AppendRow(text, Headings, widths);
        AppendRow(text, [.. widths.Select(w => new string('-', w))], widths);
        foreach (var row in rows)
        {
            var nameLines = Wrap(row.Partner, partnerWidth, "");
            AppendRow(text, [nameLines[0], .. row.Dates], widths);
            foreach (var more in nameLines.Skip(1))
            {
                text.AppendLine(more);
            }

            AppendWrapped(text, DetailIndent + row.Details, DetailIndent + DetailIndent);
        }

        text.AppendLine();
        var afterDeadline = plan.EarliestEffectiveOn > plan.Deadline ? " — after the deadline" : "";
        text.AppendLine(CultureInfo.InvariantCulture, $"Earliest possible effective date: {Date(plan.EarliestEffectiveOn)}{afterDeadline}");
        var late = plan.Partners.Count(p => p.LateForDueDate);
        if (late > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{late} partner(s) cannot be authorised by their due date (marked LATE).");
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>A date as the table and its notes print it, e.g. "Mon 21 Jun 2021", or a dash for none.</summary>
    public static string Date(DateOnly? date) => date?.ToString("ddd d MMM yyyy", UkDates.Culture) ?? UkDates.None;

    /// <summary>The words of <paramref name="text"/> in lines of at most <see cref="Width"/>, later lines indented.</summary>
    /// <remarks>A single word longer than a line is cut, so no line is ever wider than the limit.</remarks>
    internal static List<string> Wrap(string text, int width, string continuationIndent)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries).SelectMany(w => Pieces(w, width - continuationIndent.Length)))
        {
            var prefix = line.Length == 0 ? (lines.Count == 0 ? LeadingSpaces(text) : continuationIndent) : " ";
            if (line.Length > 0 && line.Length + prefix.Length + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
                prefix = continuationIndent;
            }

            line.Append(prefix).Append(word);
        }

        lines.Add(line.ToString());
        return lines;
    }

    private static IEnumerable<string> Pieces(string word, int width)
    {
        for (var i = 0; i < word.Length; i += width)
        {
            yield return word.Substring(i, Math.Min(width, word.Length - i));
        }
    }

    private static string LeadingSpaces(string text) => new(' ', text.Length - text.TrimStart(' ').Length);

    private static void AppendWrapped(StringBuilder text, string line, string continuationIndent)
    {
        foreach (var wrapped in Wrap(line, Width, continuationIndent))
        {
            text.AppendLine(wrapped);
        }
    }

    private static void AppendRow(StringBuilder text, IReadOnlyList<string> cells, int[] widths) =>
        text.AppendLine(string.Join(Gap, cells.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());

    private static string Details(PartnerPlan p)
    {
        var reminders = string.Join(", ", p.Reminders.Select(r => r.Overdue ? $"{Short(r.On)} overdue" : Short(r.On)));
        return $"{p.Route} · due {Date(p.DueOn)} · reminders {reminders}";
    }

    private static string Short(DateOnly date) => date.ToString("d MMM", UkDates.Culture);

    /// <summary>One partner's cells: its name, the dates in the row, and the line beneath.</summary>
    private sealed record PartnerRow(string Partner, string[] Dates, string Details);
}
