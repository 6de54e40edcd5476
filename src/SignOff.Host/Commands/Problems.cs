using Microsoft.AspNetCore.Http.HttpResults;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;

namespace SignOff.Host.Commands;

/// <summary>
/// The one way the API fails: RFC 9457 problem details, with a stable <c>type</c> per cause.
/// </summary>
public static class Problems
{
    private const string TypeBase = "https://signoff.example/problems/";

    /// <summary>A command that was not carried out, as problem details (status, type and title from <see cref="FailureAnswers"/>).</summary>
    /// <remarks>The detail names the multipart part at fault, as an API client knows it.</remarks>
    public static ProblemHttpResult From(CommandFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (failure is CommandFailure.DefinitionInvalid invalid)
        {
            return InvalidDefinition(invalid.Result);
        }

        var answer = FailureAnswers.For(failure);
        var detail = failure is CommandFailure.DocumentRefused or CommandFailure.Invalid { Problem: InputProblem.FileTooLarge } && failure.Field is { } part
            ? $"'{part}': {failure.Detail}"
            : failure.Detail;
        return TypedResults.Problem(statusCode: answer.Status, type: TypeBase + answer.Type, title: answer.Title, detail: detail,
            extensions: failure.Field is { } field ? new Dictionary<string, object?> { ["field"] = field } : null);
    }

    /// <summary>An invalid round definition or roster: every problem, with line, column and field.</summary>
    public static ProblemHttpResult InvalidDefinition(DefinitionResult result) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            type: TypeBase + "invalid-definition",
            title: "The round definition has problems",
            detail: string.Join("; ", result.Errors.Select(p => p.ToString())),
            extensions: new Dictionary<string, object?>
            {
                ["problems"] = result.Problems.Select(p => new
                {
                    severity = p.Severity == ProblemSeverity.Error ? "error" : "warning",
                    field = p.Field,
                    line = p.Line,
                    column = p.Column,
                    message = p.Message,
                }).ToList(),
            });
}
