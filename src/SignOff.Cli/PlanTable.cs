using System.Globalization;
using System.Text;
using SignOff.Core.Rounds;
using SignOff.Core.Wording;

namespace SignOff.Cli;

/// <summary>Renders a round plan as a plain-text table for a terminal.</summary>
public static class PlanTable
{
    private static readonly string[] Headings = ["Partner", "Route", "Meeting", "Due", "Reminders (then overdue)", "Call-in ends", "Earliest authorised"];

    public static string Render(RoundPlan plan)
    {
        var rows = new List<string[]> { Headings };
        rows.AddRange(plan.Partners.Select(p => new[]
        {
            p.Partner,
            p.Route,
            Date(p.MeetingOn),
            Date(p.DueOn),
            string.Join(", ", p.Reminders.Select(r => r.Overdue ? $"{Short(r.On)} overdue" : Short(r.On))),
            Date(p.CallInEndsOn),
            Date(p.EarliestAuthorisationOn) + (p.LateForDueDate ? "  LATE" : ""),
        }));

        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{plan.Title} ({plan.Reference})");
        text.AppendLine(CultureInfo.InvariantCulture, $"Launch {Date(plan.LaunchOn)} · deadline {Date(plan.Deadline)} · working days: {plan.Calendar} bank holidays");
        text.AppendLine();
        for (var i = 0; i < rows.Count; i++)
        {
            text.AppendLine(string.Join("  ", rows[i].Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
            if (i == 0)
            {
                text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
            }
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

    private static string Date(DateOnly? date) => date?.ToString("ddd d MMM yyyy", UkDates.Culture) ?? UkDates.None;

    private static string Short(DateOnly date) => date.ToString("d MMM", UkDates.Culture);
}
