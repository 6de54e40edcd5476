using System.Globalization;
using System.Text;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Host.Commands;
using SignOff.Host.Pages.Shared;

namespace SignOff.Host.Pages;

/// <summary>
/// "Build a round": the coordinator fills in a form instead of writing a definition file. The form
/// is written as definition YAML and goes through the same parser and the same preview as an upload,
/// so a round built here is exactly a round uploaded.
/// </summary>
/// <remarks>
/// Works without JavaScript: every button posts the whole form, and the page comes back with what
/// was typed (one more row, one fewer, the roster's partners added). Browsers forget chosen files
/// when a page comes back, so a draft chosen is stored at once (content-addressed, as a preview
/// stores it) and the page carries its SHA-256 and name from then on.
/// </remarks>
public static class RoundBuilderPages
{
    /// <summary>Maps <c>GET</c> and <c>POST /rounds/build</c> on the coordinator's page group.</summary>
    public static void MapRoundBuilder(this RouteGroupBuilder pages)
    {
        ArgumentNullException.ThrowIfNull(pages);
        pages.MapGet("/rounds/build", (HttpContext http, CoordinatorPages.Deps d) =>
            ShowAsync(http, d, new Shown(RoundBuilderForm.Blank, null), FormErrors.None, [], null, StatusCodes.Status200OK));
        pages.MapPost("/rounds/build", BuildAsync);
    }

    private static async Task<IResult> BuildAsync(HttpContext http, CoordinatorPages.Deps d, CancellationToken ct)
    {
        var posted = await http.Request.ReadFormAsync(ct);
        var action = posted["action"].ToString();
        // The draft chosen on an earlier trip, if the page carries one (an unknown hash is no draft).
        var draft = await d.Documents.DescribeAsync(posted["draftSha256"].ToString(), posted["draftFileName"].ToString(), ct);
        if (action == "edit")
        {
            // Back from the preview: the definition it showed, in the form again. It was valid when
            // previewed; read it whatever today is, so a deadline just passed is still shown to change.
            var read = RoundDefinitionParser.Parse(posted["definitionText"].ToString(), DateOnly.MinValue, d.Commands.Routes, feeds: d.Commands.Feeds);
            return read.Definition is { } definition
                ? await ShowAsync(http, d, new Shown(RoundBuilderForm.Of(definition), draft), FormErrors.None, [], null, StatusCodes.Status200OK)
                : await ShowAsync(http, d, new Shown(RoundBuilderForm.Blank, draft), RoundBuilderForm.Blank.Errors(read.Problems, []), [], null, StatusCodes.Status422UnprocessableEntity);
        }

        var form = RoundBuilderForm.Read(posted);

        // A draft chosen is kept from now on, whichever button was pressed.
        if (Upload.Of(posted.Files["draft"]) is { } chosen)
        {
            var stored = await d.Commands.StoreDraftAsync(chosen, ct);
            if (stored.FirstFailure is { } refused)
            {
                return await ShowAsync(http, d, new Shown(form, null), form.Errors([], Forms.From(refused).Items.Select(e => e with { Field = "draft" })), [], null,
                    FailureAnswers.For(refused).Status);
            }

            draft = stored.Value;
        }

        string? notice = null;

        // A roster chosen is imported whichever button was pressed: what the coordinator chose is used, not dropped.
        if (Upload.Of(posted.Files["roster"]) is { } roster)
        {
            var imported = await ImportAsync(roster, d.Commands.Routes, ct);
            if (imported.Problems.Count > 0)
            {
                var count = imported.Problems.Count;
                return await ShowAsync(http, d, new Shown(form, draft),
                    FormErrors.Of("roster", count == 1 ? "The roster has a problem: nothing was imported" : $"The roster has {count} problems: nothing was imported"),
                    imported.Problems, null, StatusCodes.Status422UnprocessableEntity);
            }

            form = form.WithImported(imported.Partners);
            notice = imported.Partners.Count == 1 ? "1 partner added from the roster." : $"{imported.Partners.Count} partners added from the roster.";
        }

        Task<IResult> Again(RoundBuilderForm again) => ShowAsync(http, d, new Shown(again, draft), FormErrors.None, [], notice, StatusCodes.Status200OK);
        switch (action)
        {
            case "add-partner":
                return await Again(form.WithPartner());
            case "add-chair":
                return await Again(form.WithChair());
            case var remove when remove.StartsWith("remove-partner-", StringComparison.Ordinal) && Row(remove) is { } partner:
                return await Again(form.WithoutPartner(partner));
            case var remove when remove.StartsWith("remove-chair-", StringComparison.Ordinal) && Row(remove) is { } chair:
                return await Again(form.WithoutChair(chair));
            case "import":
                return notice is null
                    ? await ShowAsync(http, d, new Shown(form, draft), FormErrors.Of("roster", "Choose a roster to import (a CSV file)"), [], null, StatusCodes.Status422UnprocessableEntity)
                    : await Again(form);
            case "download":
                var kept = form.Compacted();
                PageResult.SecurityHeaders(http.Response);
                return Results.File(Encoding.UTF8.GetBytes(kept.DefinitionText), "text/yaml; charset=utf-8", kept.FileName);
            default:
                return await CheckAsync(http, d, new Shown(form.Compacted(), draft), notice, ct);
        }
    }

    /// <summary>"Check the round": every problem at its field at once; when there are none, the preview an upload gets.</summary>
    private static async Task<IResult> CheckAsync(HttpContext http, CoordinatorPages.Deps d, Shown shown, string? notice, CancellationToken ct)
    {
        var form = shown.Form;
        var text = form.DefinitionText;
        var parsed = RoundDefinitionParser.Parse(text, d.Commands.Today, d.Commands.Routes, feeds: d.Commands.Feeds);
        FieldError[] noDraft = shown.Draft is null ? [new("draft", "Choose the draft agreement (a PDF or Word file)")] : [];
        var errors = form.Errors(parsed.Problems, noDraft);
        if (errors.Any)
        {
            return await ShowAsync(http, d, shown, errors, [], notice, StatusCodes.Status422UnprocessableEntity);
        }

        var preview = await d.Launches.PreviewAsync(text, shown.Draft!.Sha256, shown.Draft.FileName, ct);
        if (preview.FirstFailure is not { } failure)
        {
            return await d.Pages.RenderAsync<LaunchPreviewPage>(http, new LaunchPreviewModel(preview.Value, FormErrors.None, Built: true));
        }

        var refused = failure is CommandFailure.DefinitionInvalid { Result: var result }
            ? form.Errors(result.Problems, [])
            : form.Errors([], Forms.From(failure, "round-deadline").Items.Select(e => e with { Field = e.Field is "draft" or "round-deadline" ? e.Field : null }));
        return await ShowAsync(http, d, shown with { Draft = failure.Field == "draft" ? null : shown.Draft }, refused, [], notice, FailureAnswers.For(failure).Status);
    }

    /// <summary>The roster's partners, or every problem with it (with its line); partners only when there are none.</summary>
    private static async Task<(IReadOnlyList<PartnerDefinition> Partners, IReadOnlyList<DefinitionProblem> Problems)> ImportAsync(Upload roster, GovernanceRouteCatalog routes, CancellationToken ct)
    {
        if (roster.Length > RoundCommands.MaxDefinitionBytes)
        {
            return ([], [new DefinitionProblem(ProblemSeverity.Error, "roster", null, null, "the roster is larger than 1 MB; is it the right file?")]);
        }

        await using var stream = roster.Open();
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var csv = await reader.ReadToEndAsync(ct);
        var problems = new List<DefinitionProblem>();
        var rows = RosterReader.Read(csv, routes, problems);
        var errors = problems.Where(p => p.Severity == ProblemSeverity.Error).ToList();
        return errors.Count > 0 ? ([], errors) : ([.. rows.Select(r => r.Partner!)], []);
    }

    private static int? Row(string action) =>
        int.TryParse(action[(action.LastIndexOf('-') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var row) ? row : null;

    private static Task<IResult> ShowAsync(HttpContext http, CoordinatorPages.Deps d, Shown shown, FormErrors errors, IReadOnlyList<DefinitionProblem> rosterProblems,
        string? notice, int status) =>
        d.Pages.RenderAsync<RoundBuilderPage>(http, new RoundBuilderModel(shown.Form, [.. d.Commands.Routes.All.OrderBy(r => r.Name, StringComparer.Ordinal)], errors, rosterProblems,
            notice, shown.Draft), status);

    /// <summary>What the page shows again: the form, and the draft it holds.</summary>
    private sealed record Shown(RoundBuilderForm Form, DocumentRef? Draft);
}
