using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;
using PdfSharp.Pdf.Signatures;
using SignOff.Core.Rounds;
using SignOff.Core.Wording;

namespace SignOff.Host.Documents;

/// <summary>What the signatory gave and confirmed on the signing page.</summary>
/// <param name="Name">The signatory's full name.</param>
/// <param name="Position">Their position in the organisation.</param>
/// <param name="TypedSignature">The name they typed as their signature.</param>
public sealed record SignatoryStatement(string Name, string Position, string TypedSignature);

/// <summary>
/// A counterpart executed in SignOff: the exact version of the draft as circulated, followed by a
/// signature page in the agreement's own signature-block form, sealed with the service's certificate.
/// </summary>
/// <remarks>
/// The draft's pages are copied, not redrawn, so the counterpart is that version; a Word draft cannot
/// be copied into a PDF, so its counterpart is the signature page alone, which names the version by
/// its SHA-256 (as does every signature page). The seal is a PDF digital signature over the whole
/// file: a reader shows who sealed it, and any later change to a byte shows as a broken seal.
/// </remarks>
public static class CounterpartDocument
{
    private const double Margin = 56;

    /// <summary>The statement the signatory confirms, in the words the signature page repeats.</summary>
    public static string Authority(string organisation) =>
        $"I am authorised to sign this agreement on behalf of {organisation}, and I intend the name I have typed as my signature.";

    /// <summary>Renders and seals a counterpart.</summary>
    /// <param name="round">The round, as it stands when the signatory signs.</param>
    /// <param name="partner">The organisation signing.</param>
    /// <param name="draft">The current version's file, as stored.</param>
    /// <param name="signatory">Who signed, and what they typed.</param>
    /// <param name="signedAt">When they signed (the round's clock).</param>
    /// <param name="auditReference">The reference the audit log records the counterpart under.</param>
    /// <param name="seal">The service's certificate, with its private key.</param>
    /// <returns>The sealed PDF.</returns>
    public static byte[] Render(RoundState round, PartnerState partner, byte[] draft, SignatoryStatement signatory, DateTimeOffset signedAt, string auditReference,
        X509Certificate2 seal)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(signatory);
        PdfFonts.Ensure();
        using var document = new PdfDocument();
        var version = round.CurrentVersion;
        document.Info.Title = $"{round.Agreement.Title}: counterpart of {partner.Name}";
        document.Info.Subject = $"{round.Agreement.Reference}, version {version.Number}, SHA-256 {version.Document.Sha256}";
        document.Info.Author = signatory.Name;
        document.Info.Creator = "SignOff";
        var copied = CopyDraftPages(draft, document);
        DrawSignaturePage(document.AddPage(), round, partner, signatory, signedAt, auditReference, seal, copied);

        DigitalSignatureHandler.ForDocument(document, new PdfSharpDefaultSigner(seal, PdfMessageDigestType.SHA256, null), new DigitalSignatureOptions
        {
            Reason = $"Counterpart of {round.Agreement.Reference} version {version.Number} executed by {signatory.Name} for {partner.Name}",
            Location = "SignOff",
            ContactInfo = round.Coordinator.Email,
            AppName = "SignOff",
            PageIndex = document.PageCount - 1,
            Rectangle = new XRect(Margin, 60, 420, 45), // PDF points from the bottom: the seal's visible stamp, below the text
        });
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>Copies a PDF draft's pages; false when the draft is not a PDF PDFsharp can read (a Word file).</summary>
    private static bool CopyDraftPages(byte[] draft, PdfDocument into)
    {
        if (draft.Length < 5 || !draft.AsSpan(0, 5).SequenceEqual("%PDF-"u8))
        {
            return false;
        }

        try
        {
            using var source = PdfReader.Open(new MemoryStream(draft), PdfDocumentOpenMode.Import);
            foreach (var page in source.Pages)
            {
                into.AddPage(page);
            }

            return source.PageCount > 0;
        }
        catch (Exception unreadable) when (unreadable.Source == "PdfSharp")
        {
            // PDFsharp's reader throws plain exceptions for a malformed file (no xref table, say). Only
            // its own are taken to mean "not a PDF it can read": the signature page then names the
            // version by its SHA-256 alone. Anything else is a fault and goes up.
            return false;
        }
    }

    private static void DrawSignaturePage(PdfPage page, RoundState round, PartnerState partner, SignatoryStatement signatory, DateTimeOffset signedAt,
        string auditReference, X509Certificate2 seal, bool draftCopied)
    {
        page.Size = PageSize.A4;
        using var gfx = XGraphics.FromPdfPage(page);
        var text = new XTextFormatter(gfx);
        var width = page.Width.Point - (2 * Margin);
        var y = Margin;
        var version = round.CurrentVersion;

        void Write(string value, double size, bool bold = false, XBrush? brush = null, double after = 4)
        {
            var font = new XFont("Sans", size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);
            var height = Height(gfx, value, font, width);
            text.DrawString(value, font, brush ?? XBrushes.Black, new XRect(Margin, y, width, height), XStringFormats.TopLeft);
            y += height + after;
        }

        void Field(string label, string value, XFont? valueFont = null)
        {
            var labelFont = new XFont("Sans", 10, XFontStyleEx.Bold);
            gfx.DrawString(label, labelFont, XBrushes.DimGray, new XRect(Margin, y, 90, 16), XStringFormats.TopLeft);
            gfx.DrawString(value, valueFont ?? new XFont("Sans", 11, XFontStyleEx.Regular), XBrushes.Black, new XRect(Margin + 90, y, width - 90, 20), XStringFormats.TopLeft);
            y += 18;
            gfx.DrawLine(new XPen(XColors.Gray, 0.5), Margin + 90, y, Margin + width, y);
            y += 12;
        }

        Write("Counterpart signature page", 16, bold: true);
        Write(round.Agreement.Title, 12, bold: true, after: 2);
        Write($"Reference {round.Agreement.Reference}", 10, after: 10);
        Write(string.Create(CultureInfo.InvariantCulture,
            $"This counterpart executes version {version.Number} of the agreement ({version.Document.FileName}, SHA-256 {version.Document.Sha256}). ")
            + (draftCopied
                ? "The pages before this one are that version exactly, as circulated by SignOff."
                : "That version is identified by its SHA-256 above; SignOff holds the document itself."), 9.5, after: 16);

        Write($"Signed for and on behalf of {partner.Name}", 11, bold: true, after: 10);
        Field("Signature", signatory.TypedSignature, new XFont("Sans", 16, XFontStyleEx.Italic));
        Field("Name", signatory.Name);
        Field("Position", signatory.Position);
        Field("Date", UkDates.Long(LondonTime.DateOf(signedAt)));
        y += 6;
        Write($"{signatory.Name} confirmed: “{Authority(partner.Name)}”", 9.5, after: 10);
        Write($"Executed electronically in SignOff at {UkDates.InLondon(signedAt)} (London), {UkDates.InUtc(signedAt)}. Audit reference {auditReference}.", 9.5, after: 6);
        Write($"Sealed with the service's certificate ({seal.Subject}): a PDF reader shows the seal, and any change to this file after sealing breaks it.", 9.5, after: 6);
        Write("An electronic signature is admissible in evidence in England and Wales (Electronic Communications Act 2000, s.7).", 8.5, brush: XBrushes.DimGray);
    }

    /// <summary>The height the formatter needs for a paragraph, measured word by word.</summary>
    private static double Height(XGraphics gfx, string value, XFont font, double width)
    {
        var lines = 1;
        var line = 0.0;
        var space = gfx.MeasureString(" ", font).Width;
        foreach (var word in value.Split(' '))
        {
            var w = gfx.MeasureString(word, font).Width;
            if (line > 0 && line + space + w > width)
            {
                lines++;
                line = 0;
            }

            line += (line > 0 ? space : 0) + w;
            while (line > width)
            {
                lines++;
                line -= width;
            }
        }

        return lines * font.GetHeight() + 2;
    }
}
