using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;
using SignOff.Core.Rounds;
using SignOff.Core.Wording;
using SignOff.Storage.Blobs;

namespace SignOff.Host.Documents;

/// <summary>
/// The completion pack: one PDF that records how an agreement became effective — the agreement,
/// the version and its SHA-256, the effective date, and for each partner its decision (body, date,
/// minute reference, who recorded it) and its counterpart (signatory, position, date, SHA-256).
/// </summary>
/// <remarks>
/// <para>
/// It is built from the round's state alone, so it can be rebuilt at any time and always agrees
/// with the audit log; the generation time is passed in rather than read from a clock.
/// </para>
/// <para>
/// After the summary come the remaining partners' signature pages: the last page of each PDF
/// counterpart, stamped with whose it is and the SHA-256 of the whole file, so the pack carries the
/// signatures themselves and anyone can check each against the stored file. Only the last page,
/// not every counterpart whole: nineteen copies of a forty-page agreement would make a pack too
/// large to email, and the pages before the signature are the circulated draft, whose SHA-256 is
/// on the first page.
/// </para>
/// <para>
/// Partners are listed by name as people read it (en-GB, ignoring case: "Chelmsford City
/// Council" before "Chelmsford CVS"), not by character code.
/// </para>
/// </remarks>
public static class CompletionPack
{
    private const double Margin = 50;

    /// <summary>The file name a round's pack is offered under.</summary>
    public static string FileName(RoundState round) => $"{PartnerIds.Slug(round.Agreement.Reference)}-completion-pack.pdf";

    private static readonly StringComparer AsPeopleRead = StringComparer.Create(CultureInfo.GetCultureInfo("en-GB"), CompareOptions.IgnoreCase);

    /// <summary>Renders the pack with the remaining partners' signature pages, read from the document store.</summary>
    public static async Task<byte[]> RenderAsync(RoundState round, DateTimeOffset generatedAt, BlobDocumentStore documents, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(documents);
        var counterparts = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var c in round.RemainingPartners.Select(p => p.Counterpart).OfType<Counterpart>().Where(c => c.Document.ContentType == DocumentInspector.Pdf))
        {
            if (await documents.OpenAsync(c.Document.Sha256, ct) is { } stored)
            {
                await using var content = stored.Content;
                using var buffer = new MemoryStream();
                await content.CopyToAsync(buffer, ct);
                counterparts[c.Document.Sha256] = buffer.ToArray();
            }
        }

        return Render(round, generatedAt, counterparts);
    }

    /// <summary>Renders the pack for a round (any status: a pack of an unfinished round says so on its first line).</summary>
    /// <param name="round">The round.</param>
    /// <param name="generatedAt">When the pack is made.</param>
    /// <param name="counterparts">The counterparts' PDF bytes by SHA-256; a counterpart missing here is listed but its signature page not appended.</param>
    public static byte[] Render(RoundState round, DateTimeOffset generatedAt, IReadOnlyDictionary<string, byte[]>? counterparts = null)
    {
        PdfFonts.Ensure();
        using var document = new PdfDocument();
        document.Info.Title = $"Completion pack: {round.Agreement.Title}";
        document.Info.Subject = $"{round.Agreement.Reference}, version {round.CurrentVersion.Number}";
        document.Info.Creator = "SignOff";
        document.Info.CreationDate = generatedAt.UtcDateTime;
        document.Options.CompressContentStreams = true;

        var writer = new FlowWriter(document);
        writer.Heading(round.Agreement.Title, 18);
        writer.Line(round.Status == RoundStatus.Effective
            ? $"Completion pack · effective on {UkDates.Long(round.EffectiveOn)}"
            : $"Status report · the agreement is not yet effective ({Words.Name(round.Status)})", 11, bold: true);
        writer.Space(6);
        writer.Fact("Reference", round.Agreement.Reference);
        writer.Fact("Round", round.RoundId);
        writer.Fact("Version", string.Create(CultureInfo.InvariantCulture, $"{round.CurrentVersion.Number} ({round.CurrentVersion.Document.FileName}, {round.CurrentVersion.Document.Length:N0} bytes)"));
        writer.Fact("SHA-256", round.CurrentVersion.Document.Sha256, monospace: true);
        writer.Fact("Launched", UkDates.Long(round.LaunchedOn));
        writer.Fact("Effective", round.EffectiveOn is { } on ? UkDates.Long(on) : "not yet");
        writer.Fact("Coordinator", $"{round.Coordinator.Name} <{round.Coordinator.Email}>");
        writer.Fact("Generated", UkDates.InUtc(generatedAt));
        if (round.Versions.Count > 1)
        {
            writer.Space(8);
            writer.Line("Versions circulated", 12, bold: true);
            foreach (var v in round.Versions)
            {
                writer.Paragraph(string.Create(CultureInfo.InvariantCulture,
                    $"{v.Number}. {v.Document.FileName} · {(v.Kind is { } k ? Words.Name(k) + " revision" : "original")} · {UkDates.Short(DateOnly.FromDateTime(v.At.DateTime))}{(v.Note is { Length: > 0 } note ? " · " + note : "")}"), 9);
                writer.Paragraph($"SHA-256 {v.Document.Sha256}", 8, monospace: true);
            }
        }

        writer.Space(10);
        var parties = round.RemainingPartners.Count();
        writer.Line(string.Create(CultureInfo.InvariantCulture, $"Partners ({parties} {(parties == 1 ? "party" : "parties")} to the agreement)"), 13, bold: true);
        var partners = round.Partners.OrderBy(p => p.IsRemaining ? 0 : 1).ThenBy(p => p.Name, AsPeopleRead).ToList();
        var signaturePages = SignaturePages(partners, counterparts);
        foreach (var p in partners)
        {
            writer.Rule();
            writer.Line(p.Name, 11, bold: true);
            writer.Fact("Status", Words.For(p.Status));
            writer.Fact("Officer", $"{p.Officer.Name} <{p.Officer.Email}>");
            if (p.Decision is { } d)
            {
                writer.Fact("Decision", $"{Words.Name(d.Outcome)} by {d.Body} on {UkDates.Long(d.DecidedOn)} (version {d.Version.ToString(CultureInfo.InvariantCulture)})");
                writer.Fact("Minute reference", d.MinuteReference is { Length: > 0 } minute ? minute : "not given");
                // The delegation register: the authority the decision was taken under, and who may sign on its strength.
                writer.Fact("Authority", d.Authority);
                if (d.SignatureDelegatedTo is { } office)
                {
                    writer.Fact("Signature delegated to", $"the {office}");
                }
                if (d.Conditions is { Length: > 0 } conditions)
                {
                    writer.Fact("Conditions", $"{conditions} ({(p.Conditions == ConditionsStatus.Accepted ? "accepted by the coordinator" : "awaiting the coordinator")})");
                }

                writer.Fact("Recorded by", d.RecordedBy.Role == ActorRole.Coordinator
                    ? $"{d.RecordedBy.Name} (coordinator) on the partner's behalf; evidence: {d.Evidence}"
                    : $"{d.RecordedBy.Name} ({Words.Name(d.RecordedBy.Role)})");
            }

            if (p.CallInEndsOn is { } callIn)
            {
                writer.Fact("Call-in", $"ended {UkDates.Long(callIn)}");
            }

            if (p.AuthorisedOn is { } authorised)
            {
                writer.Fact("Authorised", UkDates.Long(authorised));
            }

            if (p.Counterpart is { } c)
            {
                writer.Fact("Counterpart", $"signed by {c.SignatoryName}, {c.SignatoryPosition}, on {UkDates.Long(c.SignedOn)}; received {UkDates.Long(c.ReceivedOn)} (version {c.Version.ToString(CultureInfo.InvariantCulture)})");
                if (p.Decision is { } authorisedBy)
                {
                    writer.Fact("Signed under", authorisedBy.SignatureAuthority);
                }

                writer.Fact("File", $"{c.Document.FileName}");
                writer.Fact("SHA-256", c.Document.Sha256, monospace: true);
                writer.Fact("Signature", c.Check is { } check
                    ? $"{SignatureCheckWords.For(check)}{(check.Detail is { Length: > 0 } detail ? $". {detail}" : "")}"
                    : "not checked (received before SignOff checked signatures)");
                if (p.IsRemaining)
                {
                    writer.Fact("Signature page", signaturePages.ContainsKey(p.PartnerId)
                        ? "appended after this summary"
                        : "not appended (not a PDF SignOff could read); the stored file's SHA-256 is above");
                }
            }

            if (!p.IsRemaining)
            {
                writer.Fact("Left the round", $"{UkDates.Long(p.ExitOn)}{(p.ExitReason is { Length: > 0 } why ? " — " + why : "")}");
            }
        }

        writer.Finish($"{round.Agreement.Reference} · completion pack");
        foreach (var p in partners.Where(p => signaturePages.ContainsKey(p.PartnerId)))
        {
            var page = document.AddPage(signaturePages[p.PartnerId].Page);
            using var stamp = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
            stamp.DrawString($"{p.Name}: signature page of the counterpart", new XFont("Sans", 8, XFontStyleEx.Bold), XBrushes.DimGray,
                new XRect(12, 6, page.Width.Point - 24, 10), XStringFormats.TopLeft);
            stamp.DrawString($"SHA-256 of the whole file {p.Counterpart!.Document.Sha256}", new XFont("Mono", 7, XFontStyleEx.Regular), XBrushes.DimGray,
                new XRect(12, 16, page.Width.Point - 24, 10), XStringFormats.TopLeft);
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        foreach (var source in signaturePages.Values)
        {
            source.Source.Dispose();
        }

        return output.ToArray();
    }

    /// <summary>The last page of each remaining partner's counterpart, opened for import; a file PDFsharp cannot read (encrypted, say) is left out.</summary>
    private static Dictionary<string, (PdfDocument Source, PdfPage Page)> SignaturePages(List<PartnerState> partners, IReadOnlyDictionary<string, byte[]>? counterparts)
    {
        var pages = new Dictionary<string, (PdfDocument, PdfPage)>(StringComparer.Ordinal);
        foreach (var p in partners.Where(p => p.IsRemaining))
        {
            if (p.Counterpart is not { } c || counterparts?.GetValueOrDefault(c.Document.Sha256) is not { } bytes)
            {
                continue;
            }

            try
            {
                var source = PdfReader.Open(new MemoryStream(bytes), PdfDocumentOpenMode.Import);
                if (source.PageCount == 0)
                {
                    source.Dispose();
                    continue;
                }

                pages[p.PartnerId] = (source, source.Pages[source.PageCount - 1]);
            }
            catch (Exception ex) when (ex is PdfReaderException or InvalidOperationException)
            {
                // Not readable for import (PDFsharp is stricter than the reader that checked it): listed with its SHA-256 only,
                // so a pack, and the effective notice that carries it, is never lost to one odd file.
            }
        }

        return pages;
    }

    /// <summary>A top-to-bottom writer that wraps text and starts new A4 pages as needed.</summary>
    private sealed class FlowWriter(PdfDocument document)
    {
        private const double LabelWidth = 110;
        private PdfPage? page;
        private XGraphics? gfx;
        private double y;

        private double Width => page!.Width.Point - (2 * Margin);

        public void Heading(string text, double size) => Paragraph(text, size, bold: true);

        public void Line(string text, double size, bool bold = false) => Paragraph(text, size, bold);

        public void Space(double points) => y += points;

        public void Rule()
        {
            Ensure(14);
            y += 6;
            gfx!.DrawLine(new XPen(XColors.Gray, 0.5), Margin, y, Margin + Width, y);
            y += 6;
        }

        public void Paragraph(string text, double size, bool bold = false, bool monospace = false)
        {
            Ensure(size * 1.4);
            var font = Font(size, bold, monospace);
            foreach (var line in Wrap(text, font, Width))
            {
                Ensure(size * 1.4);
                gfx!.DrawString(line, font, XBrushes.Black, new XRect(Margin, y, Width, size * 1.4), XStringFormats.TopLeft);
                y += size * 1.4;
            }
        }

        public void Fact(string label, string value, bool monospace = false)
        {
            const double size = 9.5;
            var labelFont = Font(size, bold: true, monospace: false);
            var valueFont = Font(monospace ? 8.5 : size, bold: false, monospace);
            var lines = Wrap(value, valueFont, Width - LabelWidth);
            Ensure(size * 1.4);
            gfx!.DrawString(label, labelFont, XBrushes.DimGray, new XRect(Margin, y, LabelWidth, size * 1.4), XStringFormats.TopLeft);
            foreach (var line in lines)
            {
                Ensure(size * 1.4);
                gfx!.DrawString(line, valueFont, XBrushes.Black, new XRect(Margin + LabelWidth, y, Width - LabelWidth, size * 1.4), XStringFormats.TopLeft);
                y += size * 1.4;
            }
        }

        /// <summary>Numbers the pages once their count is known.</summary>
        public void Finish(string footer)
        {
            gfx?.Dispose();
            gfx = null;
            var font = Font(8, bold: false, monospace: false);
            for (var i = 0; i < document.PageCount; i++)
            {
                using var g = XGraphics.FromPdfPage(document.Pages[i], XGraphicsPdfPageOptions.Append);
                var p = document.Pages[i];
                g.DrawString(string.Create(CultureInfo.InvariantCulture, $"{footer} · page {i + 1} of {document.PageCount}"), font, XBrushes.DimGray,
                    new XRect(Margin, p.Height.Point - Margin + 16, p.Width.Point - (2 * Margin), 12), XStringFormats.TopLeft);
            }
        }

        private void Ensure(double height)
        {
            if (page is not null && y + height <= page.Height.Point - Margin)
            {
                return;
            }

            gfx?.Dispose();
            page = document.AddPage();
            page.Size = PageSize.A4;
            gfx = XGraphics.FromPdfPage(page);
            y = Margin;
        }

        private static XFont Font(double size, bool bold, bool monospace) =>
            new(monospace ? "Mono" : "Sans", size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);

        /// <summary>Greedy word wrap; a word wider than the line (a SHA-256) is broken by characters.</summary>
        private IEnumerable<string> Wrap(string text, XFont font, double width)
        {
            foreach (var paragraph in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
            {
                var line = "";
                foreach (var word in paragraph.Split(' '))
                {
                    var candidate = line.Length == 0 ? word : line + " " + word;
                    if (Measure(candidate, font) <= width)
                    {
                        line = candidate;
                        continue;
                    }

                    if (line.Length > 0)
                    {
                        yield return line;
                    }

                    line = word;
                    while (Measure(line, font) > width && line.Length > 1)
                    {
                        var fit = line.Length - 1;
                        while (fit > 1 && Measure(line[..fit], font) > width)
                        {
                            fit--;
                        }

                        yield return line[..fit];
                        line = line[fit..];
                    }
                }

                yield return line;
            }
        }

        private double Measure(string text, XFont font)
        {
            Ensure(0);
            return gfx!.MeasureString(text, font).Width;
        }
    }
}
