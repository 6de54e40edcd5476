using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using SignOff.Core.Rounds;
using SignOff.Host.Api;
using SignOff.Storage.Rounds;

namespace SignOff.Host.Respond;

/// <summary>
/// The officer's side: the emailed link. GET and HEAD only show a page — mail scanners fetch
/// links before people do — and only a POST from the page's button (with anti-forgery) acts.
/// </summary>
public static class RespondEndpoints
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    public static void MapRespond(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/respond/{token}", ["GET", "HEAD"], ShowAsync).ExcludeFromDescription();
        app.MapPost("/respond/{token}", ActAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> ShowAsync(string token, HttpContext http, ResponseLinks links, TableRoundStore store, IAntiforgery antiforgery, CancellationToken ct)
    {
        var (link, state, partner) = await ResolveAsync(token, links, store, ct);
        if (partner is null)
        {
            return Invalid();
        }

        var tokens = antiforgery.GetAndStoreTokens(http);
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<h1>{E(state!.Agreement.Title)}</h1>");
        body.Append(CultureInfo.InvariantCulture, $"<p>For <strong>{E(partner.Name)}</strong> · version {state.CurrentVersion.Number} · SHA-256 <code>{E(state.CurrentVersion.Document.Sha256)}</code></p>");
        body.Append(CultureInfo.InvariantCulture, $"<p>Due by {partner.DueOn.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("en-GB"))}. Status: {E(RoundProcess.Describe(partner.Status))}.</p>");
        var hidden = $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken!)}\">";
        if (partner.AwaitsDecision)
        {
            body.Append(CultureInfo.InvariantCulture, $"""
                <form method="post">{hidden}
                <fieldset><legend>Your organisation's decision</legend>
                <p><label><input type="radio" name="action" value="approve" required> Approved</label></p>
                <p><label><input type="radio" name="action" value="approve-with-conditions"> Approved subject to conditions</label></p>
                <p><label><input type="radio" name="action" value="defer"> Deferred to a later meeting</label></p>
                <p><label><input type="radio" name="action" value="decline"> Declined</label></p>
                </fieldset>
                <p><label for="body">Decision-making body</label><br><input id="body" name="body" value="{E(partner.Route.DecisionBody)}"></p>
                <p><label for="meetingDate">Date of the decision</label><br><input id="meetingDate" name="meetingDate" type="date" required></p>
                <p><label for="minuteReference">Minute or decision reference</label><br><input id="minuteReference" name="minuteReference"></p>
                <p><label for="conditions">Conditions (if approved subject to conditions)</label><br><textarea id="conditions" name="conditions"></textarea></p>
                <p><label for="reason">Reason (if deferred or declined)</label><br><textarea id="reason" name="reason"></textarea></p>
                <p><label for="deferredTo">Next meeting (if deferred)</label><br><input id="deferredTo" name="deferredTo" type="date"></p>
                <p><button type="submit">Record this decision</button></p>
                </form>
                """);
        }
        else if (partner.Status == PartnerStatus.Authorised)
        {
            body.Append(CultureInfo.InvariantCulture, $"""
                <form method="post" enctype="multipart/form-data">{hidden}<input type="hidden" name="action" value="counterpart">
                <p><label for="file">Signed counterpart (PDF or Word)</label><br><input id="file" name="file" type="file" required accept=".pdf,.docx"></p>
                <p><label for="signatoryName">Signatory's name</label><br><input id="signatoryName" name="signatoryName" required></p>
                <p><label for="signatoryPosition">Signatory's position</label><br><input id="signatoryPosition" name="signatoryPosition" required></p>
                <p><label for="signedOn">Date signed</label><br><input id="signedOn" name="signedOn" type="date" required></p>
                <p><button type="submit">Upload the counterpart</button></p>
                </form>
                """);
        }
        else
        {
            body.Append("<p>There is nothing for you to do now. Thank you.</p>");
        }

        return Page("Respond", body.ToString());
    }

    private static async Task<IResult> ActAsync(string token, HttpContext http, ResponseLinks links, RoundEndpoints.Deps d, IAntiforgery antiforgery, CancellationToken ct)
    {
        var (link, state, partner) = await ResolveAsync(token, links, d.Store, ct);
        if (partner is null)
        {
            return Invalid();
        }

        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Page("Please try again", "<h1>Please try again</h1><p>This form has expired. Go back to the link in your email and submit again.</p>", StatusCodes.Status400BadRequest);
        }

        var form = await http.Request.ReadFormAsync(ct);
        var officer = new Actor(partner.Officer.Name, partner.Officer.Email, ActorRole.Officer);
        var triggerId = $"respond:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(token + form[antiforgery.GetAndStoreTokens(http).FormFieldName!])))[..32]}";
        RoundTrigger? trigger;
        var action = form["action"].ToString();
        if (action == "counterpart")
        {
            if (form.Files["file"] is not { } file || !DateOnly.TryParse(form["signedOn"], CultureInfo.InvariantCulture, out var signedOn))
            {
                return Page("Something is missing", "<h1>Something is missing</h1><p>Choose the signed file and give the date it was signed.</p>", StatusCodes.Status400BadRequest);
            }

            await using var stream = file.OpenReadStream();
            var (check, content) = await d.Documents.ReadAsync(stream, ct);
            if (!check.IsAccepted)
            {
                return Page("The file was not accepted", $"<h1>The file was not accepted</h1><p>{E(check.Message!)}</p>", StatusCodes.Status415UnsupportedMediaType);
            }

            var doc = new DocumentRef(check.Sha256!, Path.GetFileName(file.FileName), check.Length, check.ContentType!);
            trigger = new ReceiveCounterpart(triggerId, partner.PartnerId, state!.CurrentVersion.Number, doc, form["signatoryName"].ToString(), form["signatoryPosition"].ToString(), signedOn, officer);
            if (d.Process.Decide(state, trigger, d.Time.GetUtcNow()) is RoundDecision.Rejected early)
            {
                return Page("Not recorded", $"<h1>Not recorded</h1><p>{E(early.Message)}</p>", StatusCodes.Status409Conflict);
            }

            await d.Documents.PutAsync(check, content, doc.FileName, ct);
        }
        else
        {
            DecisionOutcome? outcome = action switch
            {
                "approve" => DecisionOutcome.Approved,
                "approve-with-conditions" => DecisionOutcome.ApprovedWithConditions,
                "defer" => DecisionOutcome.Deferred,
                "decline" => DecisionOutcome.Declined,
                _ => null,
            };
            if (outcome is null || !DateOnly.TryParse(form["meetingDate"], CultureInfo.InvariantCulture, out var decidedOn))
            {
                return Page("Something is missing", "<h1>Something is missing</h1><p>Choose the decision and give its date.</p>", StatusCodes.Status400BadRequest);
            }

            DateOnly? deferredTo = DateOnly.TryParse(form["deferredTo"], CultureInfo.InvariantCulture, out var next) ? next : null;
            trigger = new RecordDecision(triggerId, partner.PartnerId, link!.Version, outcome.Value, form["body"], decidedOn, form["minuteReference"],
                form["conditions"], form["reason"], deferredTo, officer);
        }

        var decision = await d.Runner.RunAsync(link!.RoundId, trigger, ct);
        RoundState? after = decision switch
        {
            RoundDecision.Accepted a => a.State,
            RoundDecision.AlreadyApplied same => same.State,
            _ => null,
        };
        return after is null
            ? Page("Not recorded", $"<h1>Not recorded</h1><p>{E(((RoundDecision.Rejected)decision).Message)}</p>", StatusCodes.Status409Conflict)
            : Page("Recorded", $"<h1>Recorded</h1><p>{E(partner.Name)} is now {E(RoundProcess.Describe(after.FindPartner(partner.PartnerId)!.Status))}. A confirmation is on its way by email.</p>");
    }

    private static async Task<(ResponseLink?, RoundState?, PartnerState?)> ResolveAsync(string token, ResponseLinks links, TableRoundStore store, CancellationToken ct)
    {
        var link = await links.ResolveAsync(token, ct);
        if (link is null || await store.LoadAsync(link.RoundId, ct) is not { } stored)
        {
            return (null, null, null);
        }

        var partner = stored.State.FindPartner(link.PartnerId);
        var valid = partner is { IsRemaining: true }
            && !stored.State.IsClosed
            && string.Equals(partner.Officer.Email, link.OfficerEmail, StringComparison.OrdinalIgnoreCase)
            && link.Version >= stored.State.MaterialBaseVersion;
        return valid ? (link, stored.State, partner) : (null, null, null);
    }

    private static IResult Invalid() =>
        Page("This link cannot be used", "<h1>This link cannot be used</h1><p>It may have expired, been replaced by a newer email, or been handed to a colleague. Use the link in the most recent email about this agreement, or contact the partnership's coordinator.</p>", StatusCodes.Status404NotFound);

    private static IResult Page(string title, string body, int status = StatusCodes.Status200OK) =>
        Results.Content($"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)} – SignOff</title><meta name="robots" content="noindex"></head>
            <body><main>{body}</main></body></html>
            """, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static string E(string text) => Html.Encode(text);
}
