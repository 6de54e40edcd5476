using System.Security.Cryptography;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Storage.Blobs;

namespace SignOff.Host.Commands;

/// <summary>A command's outcome: the round as it now stands, or why nothing changed.</summary>
public sealed record CommandResult(RoundState? State, CommandFailure? Failure)
{
    public bool Succeeded => State is not null;

    public static implicit operator CommandResult(CommandFailure failure) => new(null, failure);
}

/// <summary>A PDF or Word file that passed its checks and is not stored yet.</summary>
/// <param name="Ref">How the round will refer to it.</param>
/// <param name="Check">What the check found.</param>
/// <param name="Content">Its bytes.</param>
public sealed record CheckedDocument(DocumentRef Ref, DocumentCheck Check, byte[] Content);

/// <summary>An uploaded file, whichever front door it came through.</summary>
public sealed record Upload(string FileName, long Length, Func<Stream> Open)
{
    public static Upload? Of(IFormFile? file) => file is null || file.Length == 0 && string.IsNullOrEmpty(file.FileName)
        ? null
        : new Upload(Path.GetFileName(file.FileName), file.Length, file.OpenReadStream);
}

/// <summary>
/// The coordinator's and officer's commands, shared by the API and the pages so both refuse the
/// same things in the same words.
/// </summary>
/// <remarks>
/// Every command that carries a document decides first, against the round as it stands, and
/// stores the document only if the decision would be accepted: a refused upload leaves nothing
/// behind. Blobs are content-addressed, so the rare race where the round moves between that
/// check and the commit leaves at worst an unreferenced blob, never a reference to a missing one.
/// </remarks>
public sealed class RoundCommands(IRoundEngine engine, RoundProcess process, BlobDocumentStore documents, GovernanceRouteCatalog routes, TimeProvider time,
    ILogger<RoundCommands> logger, ICounterpartInspector counterparts, CounterpartRegistry registry, CalendarFeedPolicy feeds)
{
    /// <summary>The largest definition or roster accepted.</summary>
    public const long MaxDefinitionBytes = 1024 * 1024;

    public GovernanceRouteCatalog Routes => routes;

    /// <summary>Which published meeting calendars a definition may name here (development may allow a local feed).</summary>
    public CalendarFeedPolicy Feeds => feeds;

    public DateOnly Today => LondonTime.DateOf(time.GetUtcNow());

    /// <summary>Launches a round from a definition, a draft and an optional roster.</summary>
    public async Task<CommandResult> LaunchAsync(Upload? definition, Upload? draft, Upload? roster, string triggerId, Actor by, CancellationToken ct)
    {
        var prepared = await PrepareLaunchAsync(definition, draft, roster, ct);
        return prepared.FirstFailure is { } failure ? failure : await StartAsync(prepared.Value, triggerId, by, ct);
    }

    /// <summary>
    /// Reads and checks what a launch needs — the definition (with its roster) and the draft — and
    /// stores the draft, without launching: the pages show the round as it will run before sending.
    /// </summary>
    /// <remarks>
    /// The draft is stored now so the confirmation need not upload it again. It is content-addressed:
    /// a preview never confirmed leaves one unreferenced blob, never a reference to a missing one.
    /// </remarks>
    public async Task<Checked<PreparedLaunch>> PrepareLaunchAsync(Upload? definition, Upload? draft, Upload? roster, CancellationToken ct)
    {
        if (definition is null)
        {
            return new CommandFailure.Invalid(InputProblem.MissingFile, "Choose the round definition (a YAML or JSON file).", "definition");
        }

        if (draft is null)
        {
            return new CommandFailure.Invalid(InputProblem.MissingFile, "Choose the draft agreement (a PDF or Word file).", "draft");
        }

        var definitionText = await ReadTextAsync(definition, "definition", ct);
        if (definitionText.FirstFailure is { } f1)
        {
            return f1;
        }

        var rosterText = roster is null ? Checked.Valid<string?>(null) : await ReadTextAsync(roster, "roster", ct);
        if (rosterText.FirstFailure is { } f2)
        {
            return f2;
        }

        var parsed = Parse(definitionText.Value!, rosterText.Value, hasRoster: roster is not null);
        if (parsed.FirstFailure is { } invalid)
        {
            return invalid;
        }

        var (check, content) = await ReadDocumentAsync(draft, ct);
        if (DocumentFailure(check, "draft") is { } bad)
        {
            return bad;
        }

        var doc = await documents.PutAsync(check, content, draft.FileName, ct);
        return Checked.Valid(new PreparedLaunch(definitionText.Value!, rosterText.Value, parsed.Value, doc));
    }

    /// <summary>
    /// Checks and stores a draft on its own, before the rest of its round is complete: the round
    /// builder keeps a draft chosen early across the page's round trips (browsers forget chosen
    /// files), carrying only its SHA-256 and name as the preview does.
    /// </summary>
    public async Task<Checked<DocumentRef>> StoreDraftAsync(Upload draft, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var (check, content) = await ReadDocumentAsync(draft, ct);
        if (DocumentFailure(check, "draft") is { } bad)
        {
            return bad;
        }

        return Checked.Valid(await documents.PutAsync(check, content, draft.FileName, ct));
    }

    /// <summary>The same launch again, from what its preview carried: the texts, and the draft already stored.</summary>
    public async Task<Checked<PreparedLaunch>> PrepareLaunchAsync(string definitionText, string? rosterText, string draftSha256, string draftFileName, CancellationToken ct)
    {
        var parsed = Parse(definitionText, rosterText, hasRoster: rosterText is not null);
        if (parsed.FirstFailure is { } invalid)
        {
            return invalid;
        }

        return await documents.DescribeAsync(draftSha256, draftFileName, ct) is { } doc
            ? Checked.Valid(new PreparedLaunch(definitionText, rosterText, parsed.Value, doc))
            : new CommandFailure.Invalid(InputProblem.MissingFile, "The draft is no longer held: choose the files again.", "draft");
    }

    /// <summary>Launches a prepared round.</summary>
    public Task<CommandResult> StartAsync(PreparedLaunch launch, string triggerId, Actor by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return StartAsync(new StartRound(triggerId, RoundIdFor(launch.Definition.Agreement.Reference, triggerId), launch.Definition, launch.Draft, by), ct);
    }

    /// <summary>Starts a round whose draft is already stored: refused at once if the round would refuse it, so nothing is sent.</summary>
    public async Task<CommandResult> StartAsync(StartRound start, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(start);
        return RefusalOf(start) is { } refused ? refused : await RunAsync(start.RoundId, start, ct);
    }

    /// <summary>Reads and checks an uploaded PDF or Word file without storing it: the caller stores it once what it carries is accepted.</summary>
    public async Task<Checked<CheckedDocument>> CheckDocumentAsync(Upload? file, string field, CancellationToken ct)
    {
        if (file is null)
        {
            return new CommandFailure.Invalid(InputProblem.MissingFile, "Choose a PDF or Word file.", field);
        }

        var (check, content) = await ReadDocumentAsync(file, ct);
        return DocumentFailure(check, field) is { } bad
            ? bad
            : Checked.Valid(new CheckedDocument(new DocumentRef(check.Sha256!, file.FileName, check.Length, check.ContentType!), check, content));
    }

    /// <summary>Stores a checked document (content-addressed: storing it twice keeps one copy).</summary>
    public Task<DocumentRef> StoreAsync(CheckedDocument document, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(document);
        return documents.PutAsync(document.Check, document.Content, document.Ref.FileName, ct);
    }

    /// <summary>Why the round would refuse this launch now (a deadline passed, beyond the bank-holiday data), or null.</summary>
    public CommandFailure? RefusalOf(PreparedLaunch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return RefusalOf(new StartRound("preview", RoundIdFor(launch.Definition.Agreement.Reference, "preview"), launch.Definition, launch.Draft, Actor.System));
    }

    /// <summary>Why the round would refuse this start now, or null.</summary>
    public CommandFailure? RefusalOf(StartRound start) =>
        process.Decide(null, start, time.GetUtcNow()) is RoundDecision.Rejected refused ? CommandFailure.From(refused) : null;

    private Checked<RoundDefinition> Parse(string definitionText, string? rosterText, bool hasRoster)
    {
        var parsed = RoundDefinitionParser.Parse(definitionText, Today, routes, rosterText, feeds);
        if (parsed.IsValid)
        {
            return Checked.Valid(parsed.Definition!);
        }

        var field = parsed.Errors.All(p => p.Field.StartsWith("roster", StringComparison.Ordinal)) && hasRoster ? "roster" : "definition";
        return new CommandFailure.DefinitionInvalid(parsed, field);
    }

    /// <summary>Runs a trigger that carries an uploaded document (a revision, a counterpart).</summary>
    public async Task<CommandResult> RunWithDocumentAsync(string roundId, Upload? file, string field, Func<DocumentRef, RoundState, RoundTrigger> make, CancellationToken ct)
    {
        if (file is null)
        {
            return new CommandFailure.Invalid(InputProblem.MissingFile, "Choose a PDF or Word file.", field);
        }

        var round = await engine.LoadAsync(roundId, ct);
        if (round is null)
        {
            return new CommandFailure.Refused(RejectionCode.RoundNotFound, $"There is no round '{roundId}'.");
        }

        var (check, content) = await ReadDocumentAsync(file, ct);
        if (DocumentFailure(check, field) is { } bad)
        {
            return bad;
        }

        var doc = new DocumentRef(check.Sha256!, file.FileName, check.Length, check.ContentType!);
        var trigger = make(doc, round);
        if (process.Decide(round, trigger, time.GetUtcNow()) is RoundDecision.Rejected refused)
        {
            return RefusedAt(refused, field);
        }

        await documents.PutAsync(check, content, doc.FileName, ct);
        return await RunAsync(roundId, trigger, ct);
    }

    /// <summary>Records an uploaded counterpart once its content is checked: the trigger carries what the check found.</summary>
    /// <remarks>
    /// In order, each refusal in the officer's words: the file's type (a PDF, Word file or photo);
    /// the round's own rules on the file as uploaded (the core refuses the unsigned draft and another
    /// partner's file of this round); its content (<see cref="ICounterpartInspector"/>: it names the
    /// agreement, a digital signature verifies, a photo becomes a PDF); the round's rules again on
    /// the file to be stored (a photo's PDF); then the claim on the file across every round
    /// (<see cref="CounterpartRegistry"/>), made only once the round would accept it, so a refusal
    /// claims nothing. A counterpart SignOff executed itself (<paramref name="madeHere"/>) goes the
    /// same way, so it is claimed like any file and cannot later pass as another partner's.
    /// </remarks>
    /// <param name="roundId">The round.</param>
    /// <param name="file">The counterpart as received.</param>
    /// <param name="field">The form field or multipart part it came in, for refusals.</param>
    /// <param name="make">The trigger, from the stored document and the round.</param>
    /// <param name="ct">Cancels the work.</param>
    /// <param name="madeHere">The check SignOff established for a counterpart it produced, recorded instead of the inspection's.</param>
    public async Task<CommandResult> ReceiveCounterpartAsync(string roundId, Upload? file, string field, Func<DocumentRef, RoundState, ReceiveCounterpart> make,
        CancellationToken ct, SignatureCheck? madeHere = null)
    {
        ArgumentNullException.ThrowIfNull(make);
        if (file is null)
        {
            return new CommandFailure.Invalid(InputProblem.MissingFile, "Choose the signed counterpart (a PDF, a Word file, or a photo of the signed page).", field);
        }

        var round = await engine.LoadAsync(roundId, ct);
        if (round is null)
        {
            return new CommandFailure.Refused(RejectionCode.RoundNotFound, $"There is no round '{roundId}'.");
        }

        await using var stream = file.Open();
        var (type, uploaded) = await documents.ReadAsync(stream, UploadPurpose.Counterpart, ct);
        if (DocumentFailure(type, field) is { } badType)
        {
            return badType;
        }

        // The round's own refusals first (not yet authorised, the unsigned draft, another partner's file): they
        // are cheaper than reading the file and say more precisely what is wrong.
        var now = time.GetUtcNow();
        var asUploaded = make(new DocumentRef(type.Sha256!, file.FileName, type.Length, type.ContentType!), round);
        if (process.Decide(round, asUploaded, now) is RoundDecision.Rejected early)
        {
            return RefusedAt(early, field);
        }

        var inspection = counterparts.Inspect(uploaded, type, file.FileName, round.Agreement);
        if (inspection is CounterpartInspection.Refused refused)
        {
            return new CommandFailure.DocumentRefused(refused.Problem, refused.Message, field);
        }

        var inspected = (CounterpartInspection.Accepted)inspection;

        var check = documents.Check(inspected.Content);
        if (DocumentFailure(check, field) is { } badContent)
        {
            return badContent;
        }

        var doc = new DocumentRef(check.Sha256!, inspected.FileName, check.Length, check.ContentType!);
        // A counterpart SignOff executed itself is recorded as that, not as whatever its seal looks like from outside.
        var trigger = make(doc, round) with { Check = madeHere ?? inspected.Check };
        if (process.Decide(round, trigger, now) is RoundDecision.Rejected rejected)
        {
            return RefusedAt(rejected, field);
        }

        // A photo is claimed by its own bytes too: the PDF made from it differs at each upload, the photo does not.
        var partner = round.FindPartner(trigger.PartnerId)!;
        var claim = new CounterpartClaim(roundId, partner.PartnerId, partner.Name, round.Agreement.Reference);
        var held = await registry.ClaimAsync(doc.Sha256, claim, ct)
            ?? (type.Sha256 != doc.Sha256 ? await registry.ClaimAsync(type.Sha256!, claim, ct) : null);
        if (held is not null)
        {
            var where = held.RoundId == roundId ? "in this round" : $"in the round for {held.AgreementReference}";
            return new CommandFailure.DocumentRefused(DocumentProblem.CounterpartUsedElsewhere,
                $"This file is already recorded as {held.PartnerName}'s counterpart {where}: upload the copy signed for {partner.Name}.", field);
        }

        await documents.PutAsync(check, inspected.Content, doc.FileName, ct);
        return await RunAsync(roundId, trigger, ct);
    }

    /// <summary>Runs a trigger: the round as it now stands (also when the trigger had already been applied), or the refusal.</summary>
    public Task<CommandResult> RunAsync(string roundId, RoundTrigger trigger, CancellationToken ct) => RunAsync(roundId, _ => trigger, ct);

    /// <summary>Runs a trigger built from the round as the runner loads it (no separate load first).</summary>
    public async Task<CommandResult> RunAsync(string roundId, Func<RoundState?, RoundTrigger> make, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(make);
        var trigger = make(null); // for the log only: its type, id and partner do not depend on the state
        var partnerId = (trigger as IPartnerScoped)?.PartnerId;
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["RoundId"] = roundId, ["PartnerId"] = partnerId, ["TriggerId"] = trigger.TriggerId });
        var decision = await engine.RunAsync(roundId, make, ct);
        switch (decision)
        {
            case RoundDecision.Accepted a:
                logger.LogInformation("{Trigger} recorded for round {RoundId}{Partner} by {Actor}", trigger.GetType().Name, roundId,
                    partnerId is null ? "" : $", partner {partnerId}", (trigger as IActorTrigger)?.By.Name ?? "SignOff");
                return new CommandResult(a.State, null);
            case RoundDecision.AlreadyApplied same:
                logger.LogInformation("{Trigger} {TriggerId} for round {RoundId} was already recorded: nothing changed", trigger.GetType().Name, trigger.TriggerId, roundId);
                return new CommandResult(same.State, null);
            case RoundDecision.Rejected r:
                logger.LogInformation("{Trigger} for round {RoundId} refused: {Code} {Reason}", trigger.GetType().Name, roundId, r.Code, r.Message);
                return CommandFailure.From(r);
            default:
                throw new InvalidOperationException("Unknown decision.");
        }
    }

    /// <summary>A partner built from form or API input, or why it is not valid.</summary>
    public Checked<PartnerDefinition> NewPartner(string? name, string? officerName, string? officerEmail, string? route, DateOnly? meeting, DateOnly? dueBy)
    {
        // Every problem at once, in the form's order, so a page can show them all; the API answers with the first.
        var failures = new List<CommandFailure>();
        if (string.IsNullOrWhiteSpace(name))
        {
            failures.Add(new CommandFailure.Invalid(InputProblem.BadPartner, "Enter the organisation's name.", "name"));
        }

        if (string.IsNullOrWhiteSpace(officerName))
        {
            failures.Add(new CommandFailure.Invalid(InputProblem.BadPartner, "Enter the officer's name.", "officerName"));
        }

        if (!RoundDefinitionParser.IsEmail(officerEmail ?? ""))
        {
            failures.Add(new CommandFailure.Invalid(InputProblem.BadPartner, "Enter the officer's email address, like name@council.gov.uk.", "officerEmail"));
        }

        if (!routes.TryGet(route ?? "", out var found))
        {
            failures.Add(new CommandFailure.Invalid(InputProblem.UnknownRoute, string.IsNullOrWhiteSpace(route)
                ? $"Choose the organisation's governance route; known routes are: {string.Join(", ", routes.Ids)}."
                : $"Unknown governance route '{route}'; known routes are: {string.Join(", ", routes.Ids)}.", "route"));
        }

        return failures.Count > 0
            ? Checked.Invalid<PartnerDefinition>(failures)
            : Checked.Valid(new PartnerDefinition(name!.Trim(), new Person(officerName!.Trim(), officerEmail!.Trim()), new PartnerGovernance(found, meeting), dueBy));
    }

    private async Task<(DocumentCheck, byte[])> ReadDocumentAsync(Upload file, CancellationToken ct)
    {
        await using var stream = file.Open();
        return await documents.ReadAsync(stream, ct);
    }

    /// <summary>A refusal of a command that carries a document: at the input it is about (the signatory's position), else at the document.</summary>
    private static CommandFailure RefusedAt(RoundDecision.Rejected rejected, string field) =>
        CommandFailure.From(rejected) is { Field: not null } atItsInput ? atItsInput : new CommandFailure.Refused(rejected.Code, rejected.Message, field);

    private static CommandFailure.DocumentRefused? DocumentFailure(DocumentCheck check, string field) => check.IsAccepted
        ? null
        : new CommandFailure.DocumentRefused(check.Problem!.Value, check.Message ?? "", field);

    private static async Task<Checked<string?>> ReadTextAsync(Upload file, string field, CancellationToken ct)
    {
        if (file.Length > MaxDefinitionBytes)
        {
            return new CommandFailure.Invalid(InputProblem.FileTooLarge, "The file is larger than 1 MB.", field);
        }

        using var reader = new StreamReader(file.Open());
        return Checked.Valid<string?>(await reader.ReadToEndAsync(ct));
    }

    /// <summary>A launch's round id: the reference's slug, then six hex digits of the launch's trigger id.</summary>
    /// <remarks>
    /// Derived, not random, so a launch retried with the same Idempotency-Key (or a form posted
    /// twice) names the same round, and the round answers "already applied" instead of a second
    /// round being made: a client whose first request died in a crash can safely send it again.
    /// A launch without a key gets a fresh trigger id, so a fresh round id.
    /// </remarks>
    internal static string RoundIdFor(string reference, string triggerId)
    {
        var slug = PartnerIds.Slug(reference);
        var suffix = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(triggerId)))[..6];
        return $"{slug[..Math.Min(slug.Length, 40)]}-{suffix}";
    }
}
