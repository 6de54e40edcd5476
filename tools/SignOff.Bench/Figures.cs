using System.Globalization;
using System.Text.Json;

namespace SignOff.Bench;

/// <summary>One measured figure beside its target.</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Value">The figure.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Target">The target, in words ("&lt; 100 ms"), or null when the figure is for information.</param>
/// <param name="Met">Whether the target was met; null when there is none.</param>
/// <param name="Note">How it was measured, where that matters.</param>
public sealed record Figure(string Name, double Value, string Unit, string? Target, bool? Met, string? Note = null);

/// <summary>Prints the figures as a table (and JSON), each beside its target, saying plainly which were missed.</summary>
public static class Report
{
    public static void Print(IReadOnlyList<Figure> figures, TextWriter output)
    {
        var rows = figures.Select(f => (f.Name, Value: Format(f.Value, f.Unit), Target: f.Target ?? "", Verdict: f.Met switch { true => "met", false => "MISSED", null => "" })).ToList();
        int w1 = rows.Max(r => r.Name.Length), w2 = Math.Max(5, rows.Max(r => r.Value.Length)), w3 = Math.Max(6, rows.Max(r => r.Target.Length));
        output.WriteLine($"{"Figure".PadRight(w1)}  {"Value".PadLeft(w2)}  {"Target".PadRight(w3)}  Verdict");
        output.WriteLine($"{new string('-', w1)}  {new string('-', w2)}  {new string('-', w3)}  -------");
        foreach (var r in rows)
        {
            output.WriteLine($"{r.Name.PadRight(w1)}  {r.Value.PadLeft(w2)}  {r.Target.PadRight(w3)}  {r.Verdict}");
        }

        var notes = figures.Where(f => f.Note is not null).ToList();
        if (notes.Count > 0)
        {
            output.WriteLine();
            foreach (var f in notes)
            {
                output.WriteLine($"  {f.Name}: {f.Note}");
            }
        }

        var missed = figures.Where(f => f.Met == false).Select(f => f.Name).ToList();
        output.WriteLine();
        output.WriteLine(missed.Count == 0 ? "Every target was met." : $"Missed: {string.Join("; ", missed)}.");
    }

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Json(IReadOnlyList<Figure> figures) => JsonSerializer.Serialize(figures, Indented);

    private static string Format(double value, string unit) => unit switch
    {
        "ms" => value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms",
        "%" => value.ToString("0", CultureInfo.InvariantCulture) + " %",
        "MB" => value.ToString("0", CultureInfo.InvariantCulture) + " MB",
        _ => value.ToString(value < 10 ? "0.##" : "0", CultureInfo.InvariantCulture) + (unit.Length > 0 ? " " + unit : ""),
    };

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
