using System.Globalization;

namespace SignOff.Core.Definitions;

/// <summary>How serious a problem with a definition is.</summary>
public enum ProblemSeverity
{
    /// <summary>The round cannot start until it is fixed.</summary>
    Error,

    /// <summary>Worth a look, but governance slips happen: the round can start.</summary>
    Warning,
}

/// <summary>What kind of mistake a problem is, so that it can be put in people's words without reading its message.</summary>
public enum ProblemKind
{
    /// <summary>Any other problem: its message says what is wrong.</summary>
    Other,

    /// <summary>A required value is not given.</summary>
    Missing,

    /// <summary>A value is not a date written as YYYY-MM-DD; <see cref="DefinitionProblem.Value"/> holds it.</summary>
    NotADate,

    /// <summary>A value is not an email address; <see cref="DefinitionProblem.Value"/> holds it.</summary>
    NotAnEmail,

    /// <summary>A governance route no route file defines; <see cref="DefinitionProblem.Value"/> holds its id.</summary>
    UnknownRoute,
}

/// <summary>
/// One problem found in a round definition or roster, with where it is.
/// </summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Field">A path to the field, e.g. <c>partners[3].officer.email</c> or <c>roster line 4: officer email</c>.</param>
/// <param name="Line">1-based line, when known.</param>
/// <param name="Column">1-based column, when known.</param>
/// <param name="Message">What is wrong, for people.</param>
/// <param name="Kind">What kind of mistake it is: lets <see cref="DefinitionProblemWords"/> word it for a form or a file without matching message text.</param>
/// <param name="Value">The value at fault, when the kind has one (the address that is not an email address).</param>
public sealed record DefinitionProblem(ProblemSeverity Severity, string Field, int? Line, int? Column, string Message, ProblemKind Kind = ProblemKind.Other, string? Value = null)
{
    /// <summary>e.g. <c>line 12, column 7: partners[3].officer.email: 'jo@' is not a valid email address</c>.</summary>
    public override string ToString()
    {
        var where = Line is { } line
            ? Column is { } column
                ? string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}: ")
                : string.Create(CultureInfo.InvariantCulture, $"line {line}: ")
            : "";
        var severity = Severity == ProblemSeverity.Warning ? "warning: " : "";
        return $"{severity}{where}{Field}: {Message}";
    }
}

/// <summary>
/// The outcome of reading a definition: a validated definition with any warnings, or every
/// problem found (never just the first).
/// </summary>
public sealed record DefinitionResult(RoundDefinition? Definition, IReadOnlyList<DefinitionProblem> Problems)
{
    /// <summary>True when the definition can be used.</summary>
    public bool IsValid => Definition is not null;

    /// <summary>Problems that stop the round.</summary>
    public IEnumerable<DefinitionProblem> Errors => Problems.Where(p => p.Severity == ProblemSeverity.Error);
}
