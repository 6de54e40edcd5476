using System.Globalization;
using SignOff.Core.Rounds;

namespace SignOff.Host.Commands;

/// <summary>
/// The words and dates a command's inputs may use, read one way whichever door they came through
/// (the API's JSON or multipart, a page's form), so the same input is accepted, or refused with
/// the same words, everywhere.
/// </summary>
public static class InputReaders
{
    /// <summary>A decision's outcome: the verb or the past participle (approve or approved, …).</summary>
    public static DecisionOutcome? Outcome(string? text) => text?.Trim() switch
    {
        "approve" or "approved" => DecisionOutcome.Approved,
        "approve-with-conditions" or "approved-with-conditions" => DecisionOutcome.ApprovedWithConditions,
        "defer" or "deferred" => DecisionOutcome.Deferred,
        "decline" or "declined" => DecisionOutcome.Declined,
        _ => null,
    };

    /// <summary>A revision's kind: minor (decisions stand) or material (every partner decides again).</summary>
    public static RevisionKind? RevisionKind(string? text) => text?.Trim() switch
    {
        "minor" => Core.Rounds.RevisionKind.Minor,
        "material" => Core.Rounds.RevisionKind.Material,
        _ => null,
    };

    /// <summary>A call-in's outcome: upheld (the decision stands) or referred-back (the partner decides again).</summary>
    public static CallInOutcome? CallInOutcome(string? text) => text?.Trim() switch
    {
        "upheld" => Core.Rounds.CallInOutcome.Upheld,
        "referred-back" => Core.Rounds.CallInOutcome.ReferredBack,
        _ => null,
    };

    /// <summary>A review's outcome: no-change (the agreement carries on as it is) or variation-needed.</summary>
    public static SignOff.Core.Agreements.ReviewOutcome? ReviewOutcome(string? text) => text?.Trim() switch
    {
        "no-change" => Core.Agreements.ReviewOutcome.NoChange,
        "variation-needed" => Core.Agreements.ReviewOutcome.VariationNeeded,
        _ => null,
    };

    /// <summary>A date as a date input and the API send it (YYYY-MM-DD): none, a date, or why not.</summary>
    /// <param name="text">The input, as sent.</param>
    /// <param name="field">The field's name, for the failure.</param>
    /// <param name="label">What the date is, in words ("date of the decision").</param>
    /// <param name="required">Whether a missing date is a failure.</param>
    public static Checked<DateOnly?> Date(string? text, string field, string label, bool required)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return required ? new CommandFailure.Invalid(InputProblem.MissingDetail, $"Enter the {label}.", field) : Checked.Valid<DateOnly?>(null);
        }

        // Two spellings: YYYY-MM-DD (the API, a stored value) and day month year as a page's three
        // boxes send it ("30 6 2021"); a refusal gives its example in the spelling the person used.
        var asTyped = trimmed.Contains(' ', StringComparison.Ordinal);
        return DateOnly.TryParseExact(trimmed, asTyped ? ["d M yyyy", "dd MM yyyy", "d MM yyyy", "dd M yyyy"] : ["yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? Checked.Valid<DateOnly?>(date)
            : new CommandFailure.Invalid(InputProblem.BadDate,
                asTyped ? $"The {label} must be a real date, like 30 6 2021." : $"The {label} must be a real date, like 2021-06-30.", field);
    }
}
