using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SignOff.Host.Access;
using SignOff.Host.Commands;

namespace SignOff.Host.Api;

/// <summary>An organisation asked to join an agreement in force.</summary>
/// <param name="Name">The organisation.</param>
/// <param name="OfficerName">Its officer.</param>
/// <param name="OfficerEmail">The officer's email.</param>
/// <param name="Route">Its governance route's id (see GET /api/routes).</param>
/// <param name="MeetingOn">Its deciding meeting, when known.</param>
/// <param name="Deadline">The accession round's deadline.</param>
public sealed record AccessionRequest(string? Name, string? OfficerName, string? OfficerEmail, string? Route, DateOnly? MeetingOn, DateOnly? Deadline);

/// <summary>The rounds the register launches on an agreement in force: variations and accessions.</summary>
public static class AgreementRoundEndpoints
{
    public static RouteGroupBuilder MapAgreementRoundApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/agreements").WithTags("Agreements").AddEndpointFilter<ApiKeyFilter>().DisableAntiforgery();
        api.MapPost("/{agreementId}/variations", VariationAsync)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Circulate a varied draft to every party bound (multipart: 'draft' PDF or DOCX, 'deadline' YYYY-MM-DD, and 'route-{partyId}' for a party that decides the variation by another route than it took the agreement). A round like any other; when every party has signed, the varied version is in force.");
        api.MapPost("/{agreementId}/accessions", AccessionAsync)
            .WithSummary("Ask an organisation to join: a round of its own through its governance, then its counterpart of the version in force; nobody else signs again.");
        return api;
    }

    private static async Task<Results<Created<RoundView>, ProblemHttpResult>> VariationAsync(string agreementId, HttpRequest request, AgreementRoundCommands commands, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.MultipartRequired, "Send multipart/form-data with 'draft' (the varied PDF or DOCX) and 'deadline' (YYYY-MM-DD)."));
        }

        var form = await request.ReadFormAsync(ct);
        return Launched(await commands.ProposeVariationAsync(agreementId, Upload.Of(form.Files["draft"]), form["deadline"], AgreementRoundCommands.RoutesOf(form),
            RoundEndpoints.TriggerId(request.HttpContext), Coordinators.Of(request.HttpContext), ct));
    }

    private static async Task<Results<Created<RoundView>, ProblemHttpResult>> AccessionAsync(string agreementId, AccessionRequest body, HttpContext http, AgreementRoundCommands commands,
        CancellationToken ct) =>
        Launched(await commands.ProposeAccessionAsync(agreementId,
            new JoinerInput(body.Name, body.OfficerName, body.OfficerEmail, body.Route, Iso(body.MeetingOn), Iso(body.Deadline)),
            RoundEndpoints.TriggerId(http), Coordinators.Of(http), ct));

    private static Results<Created<RoundView>, ProblemHttpResult> Launched(CommandResult result) => result.State is { } state
        ? TypedResults.Created($"/api/rounds/{state.RoundId}", RoundView.From(state))
        : Problems.From(result.Failure!);

    private static string? Iso(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
