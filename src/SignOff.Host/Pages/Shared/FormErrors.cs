namespace SignOff.Host.Pages.Shared;

/// <summary>One problem with what someone entered, tied to the field it is about (or to none).</summary>
public sealed record FieldError(string? Field, string Message);

/// <summary>
/// The problems with a form, in the order they appear on the page. Pages show them twice, as the
/// GOV.UK Design System does: in a summary at the top that links to each field, and beside the field.
/// </summary>
public sealed record FormErrors(IReadOnlyList<FieldError> Items)
{
    public static FormErrors None { get; } = new([]);

    public bool Any => Items.Count > 0;

    public string? For(string field) => Items.FirstOrDefault(e => e.Field == field)?.Message;

    public static FormErrors Of(params FieldError[] errors) => new(errors);

    public static FormErrors Of(string? field, string message) => new([new FieldError(field, message)]);
}

/// <summary>What was entered in a form, to show again beside its errors.</summary>
public sealed record FormValues(IReadOnlyDictionary<string, string> Values)
{
    public static FormValues Empty { get; } = new(new Dictionary<string, string>());

    /// <summary>A field's value; for a date entered in day, month and year boxes, the three as "day month year".</summary>
    public string this[string field] => Values.TryGetValue(field, out var v) ? v : DateParts.Join(field, f => Values.TryGetValue(f, out var part) ? part : null) ?? "";

    public static FormValues From(IFormCollection form) =>
        new(form.Keys.Where(k => !k.StartsWith("__", StringComparison.Ordinal)).ToDictionary(k => k, k => form[k].ToString(), StringComparer.Ordinal));

    /// <summary>
    /// The answers a "Change" link on a check-your-answers page brings back to its form (the
    /// query, marked <c>change=decision</c>), so nothing has to be typed again; none for an
    /// ordinary visit. Only shown, never acted on.
    /// </summary>
    public static FormValues FromChangeLink(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query["change"] == ChangedForm
            ? new(query.Keys.Where(k => k != "change").ToDictionary(k => k, k => query[k].ToString(), StringComparer.Ordinal))
            : Empty;
    }

    /// <summary>The form a "Change" link returns to.</summary>
    public const string ChangedForm = "decision";

    /// <summary>True when these are answers brought back to be changed.</summary>
    public bool Any => Values.Count > 0;
}

/// <summary>
/// A date as a page asks for it: day, month and year in three boxes (GOV.UK's date input), named
/// <c>{field}-day</c>, <c>{field}-month</c> and <c>{field}-year</c>.
/// </summary>
/// <remarks>
/// Three boxes, not the browser's date picker, because a picker shows the date in the browser's
/// own locale (month first on many machines) and reads badly to screen readers; the boxes read the
/// UK way everywhere. The readers take the three joined as "day month year".
/// </remarks>
public static class DateParts
{
    /// <summary>The three boxes of a date field, in order.</summary>
    public static string[] Names(string field) => [$"{field}-day", $"{field}-month", $"{field}-year"];

    /// <summary>The boxes joined as "day month year", or null when the form has none of them.</summary>
    public static string? Join(string field, Func<string, string?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var parts = Names(field).Select(value).ToArray();
        return parts.All(p => p is null) ? null : string.Join(' ', parts.Select(p => p?.Trim() ?? "")).Trim();
    }

    /// <summary>A value split into the boxes: from YYYY-MM-DD or "day month year"; anything else goes in the day box as typed.</summary>
    public static (string Day, string Month, string Year) Split(string? value)
    {
        var text = value?.Trim() ?? "";
        var iso = text.Split('-');
        if (iso.Length == 3 && iso[0].Length == 4)
        {
            return (iso[2].TrimStart('0'), iso[1].TrimStart('0'), iso[0]);
        }

        var spaced = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return spaced.Length == 3 ? (spaced[0], spaced[1], spaced[2]) : (text, "", "");
    }
}
