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

    public string this[string field] => Values.TryGetValue(field, out var v) ? v : "";

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
