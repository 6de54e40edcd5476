using SignOff.Core.Rounds;
using SignOff.Core.Wording;
using SignOff.Host.Commands;
using SignOff.Storage.Blobs;

namespace SignOff.Host.Documents;

/// <summary>
/// Executes a partner's counterpart in SignOff: the signatory's statement becomes a sealed PDF of the
/// current version with its signature page, stored and recorded like any other counterpart.
/// </summary>
/// <remarks>
/// Most council officers have no PDF-signing tool; this is the electronic signature the Electronic
/// Communications Act 2000 s.7 recognises: a typed name, an explicit statement of authority and
/// intent, and a record of who, when and of exactly which version, sealed so it cannot be altered
/// unseen. The counterpart goes through the same command as an upload, so the round refuses it for
/// the same reasons (a partner not yet authorised, a version no longer current) and a repeated
/// submission (the same trigger id) records it once.
/// </remarks>
public sealed class CounterpartExecution(IRoundEngine engine, RoundCommands commands, BlobDocumentStore documents, ServiceSeal seal, TimeProvider time)
{
    /// <summary>The signing form's field names.</summary>
    public const string NameField = "signName", PositionField = "signPosition", SignatureField = "signature", AuthorityField = "authority";

    /// <summary>Reads the signing form: every detail, a typed signature that is the signatory's name, and the statement confirmed.</summary>
    public static Checked<SignatoryStatement> Read(string? name, string? position, string? typedSignature, bool authorityConfirmed, string organisation)
    {
        var failures = new List<CommandFailure>();
        name = name?.Trim();
        position = position?.Trim();
        typedSignature = typedSignature?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            failures.Add(Missing(NameField, "Enter your full name"));
        }

        if (string.IsNullOrEmpty(position))
        {
            failures.Add(Missing(PositionField, "Enter your position, for example Chief Executive"));
        }

        if (string.IsNullOrEmpty(typedSignature))
        {
            failures.Add(Missing(SignatureField, "Type your full name to sign"));
        }
        else if (!string.IsNullOrEmpty(name) && !SameName(name, typedSignature))
        {
            failures.Add(Missing(SignatureField, "Type your full name exactly as you entered it above to sign"));
        }

        if (!authorityConfirmed)
        {
            failures.Add(Missing(AuthorityField, $"Confirm that you are authorised to sign for {organisation} and intend this as your signature"));
        }

        return failures.Count > 0 ? Checked.Invalid<SignatoryStatement>(failures) : Checked.Valid(new SignatoryStatement(name!, position!, typedSignature!));
    }

    /// <summary>Renders, seals, stores and records the counterpart.</summary>
    /// <param name="roundId">The round.</param>
    /// <param name="partnerId">The partner signing.</param>
    /// <param name="version">The version the signatory was shown; a counterpart of any other is refused.</param>
    /// <param name="signatory">What the signatory gave and confirmed.</param>
    /// <param name="by">Who executed it (the officer, through their link).</param>
    /// <param name="triggerId">The form submission's trigger id, also the counterpart's audit reference.</param>
    /// <param name="ct">Cancels the work.</param>
    public async Task<CommandResult> ExecuteAsync(string roundId, string partnerId, int version, SignatoryStatement signatory, Actor by, string triggerId,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(signatory);
        var round = await engine.LoadAsync(roundId, ct);
        if (round?.FindPartner(partnerId) is not { } partner)
        {
            return new CommandFailure.Refused(round is null ? RejectionCode.RoundNotFound : RejectionCode.UnknownPartner, "There is no such partner in this round.");
        }

        var draft = round.CurrentVersion.Document;
        if (await documents.OpenAsync(draft.Sha256, ct) is not { } stored)
        {
            throw new InvalidOperationException($"Round {roundId} has no stored draft {draft.Sha256}.");
        }

        byte[] draftBytes;
        await using (stored.Content)
        {
            using var copy = new MemoryStream();
            await stored.Content.CopyToAsync(copy, ct);
            draftBytes = copy.ToArray();
        }

        var now = time.GetUtcNow();
        var certificate = await seal.CertificateAsync(ct);
        var pdf = CounterpartDocument.Render(round, partner, draftBytes, signatory, now, triggerId, certificate);
        var check = new SignatureCheck(SignatureKind.SignedInSignOff, signatory.Name,
            $"Executed in SignOff by {signatory.Name} ({signatory.Position}) at {UkDates.InUtc(now)}; sealed with {certificate.Subject}, thumbprint {certificate.Thumbprint}");
        var upload = new Upload($"{PartnerIds.Slug(round.Agreement.Reference)}-{partner.PartnerId}-counterpart-v{version}.pdf", pdf.Length, () => new MemoryStream(pdf));
        return await commands.ReceiveCounterpartAsync(roundId, upload, SignatureField,
            (doc, _) => new ReceiveCounterpart(triggerId, partnerId, version, doc, signatory.Name, signatory.Position, LondonTime.DateOf(now), by), ct, madeHere: check);
    }

    private static bool SameName(string name, string typed) =>
        string.Equals(Normalise(name), Normalise(typed), StringComparison.OrdinalIgnoreCase);

    private static string Normalise(string value) => string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static CommandFailure.Invalid Missing(string field, string message) => new(InputProblem.MissingDetail, message, field);
}
