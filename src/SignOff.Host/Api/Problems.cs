using Microsoft.AspNetCore.Http.HttpResults;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;

namespace SignOff.Host.Api;

/// <summary>
/// The one way the API fails: RFC 9457 problem details, with a stable <c>type</c> per cause.
/// </summary>
public static class Problems
{
    private const string TypeBase = "https://signoff.example/problems/";

    /// <summary>A refused trigger: 404 for something that does not exist, 409 for the wrong moment, 422 for bad detail.</summary>
    public static ProblemHttpResult Rejected(RoundDecision.Rejected rejected)
    {
        var status = rejected.Code switch
        {
            RejectionCode.RoundNotFound or RejectionCode.UnknownPartner => StatusCodes.Status404NotFound,
            RejectionCode.InvalidTrigger or RejectionCode.MissingDetail or RejectionCode.InvalidDate or RejectionCode.DuplicatePartner
                or RejectionCode.DuplicateOfficer or RejectionCode.SameDocument or RejectionCode.CalendarOutOfRange => StatusCodes.Status422UnprocessableEntity,
            _ => StatusCodes.Status409Conflict,
        };
        return Problem(status, RoundProcess.Kebab(rejected.Code), Title(rejected.Code), rejected.Message);
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

    public static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(statusCode: status, type: TypeBase + type, title: title, detail: detail);

    public static ProblemHttpResult BadRequest(string type, string detail) =>
        Problem(StatusCodes.Status400BadRequest, type, "The request is not valid", detail);

    public static ProblemHttpResult NotFound(string detail) =>
        Problem(StatusCodes.Status404NotFound, "not-found", "Not found", detail);

    private static string Title(RejectionCode code) => code switch
    {
        RejectionCode.RoundNotFound => "No such round",
        RejectionCode.UnknownPartner => "No such partner",
        RejectionCode.RoundCancelled => "The round has been cancelled",
        RejectionCode.RoundEffective => "The agreement has already taken effect",
        RejectionCode.PartnerWithdrawn => "The partner has withdrawn",
        RejectionCode.PartnerRemoved => "The partner has been removed",
        RejectionCode.StaleVersion => "That version is no longer current",
        _ => "The request cannot be carried out",
    };
}
