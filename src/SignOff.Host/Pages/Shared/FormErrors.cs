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
}
