using PdfSharp.Drawing;
using PdfSharp.Pdf;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Host.Commands;
using SignOff.Storage.Blobs;
using UglyToad.PdfPig.Core;
using PigDocument = UglyToad.PdfPig.PdfDocument;

namespace SignOff.Host.Documents;

/// <summary>
/// Checks an uploaded counterpart's content: a PDF must name the agreement and any digital
/// signature on it must hold; a photo of a signed page becomes a one-page PDF; a Word file or an
/// unsigned PDF (a scan) is taken as not digitally signed, for the coordinator to review.
/// </summary>
/// <remarks>
/// The text is read with PdfPig and compared with the agreement's title and reference ignoring
/// case, spaces and line breaks, so a title broken over two lines or set in capitals still counts:
/// the check is there to catch the wrong agreement's file, not to police typography. A scan has
/// no text to read, so a PDF without any text is taken (as a scan) rather than refused.
/// </remarks>
public sealed class CounterpartInspector : ICounterpartInspector
{
    /// <inheritdoc />
    public CounterpartInspection Inspect(byte[] content, DocumentCheck type, string fileName, AgreementInfo agreement)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(agreement);
        return type.ContentType switch
        {
            DocumentInspector.Jpeg or DocumentInspector.Png => Photo(content, type.ContentType, fileName),
            DocumentInspector.Pdf => Pdf(content, fileName, agreement),
            _ => new CounterpartInspection.Accepted(content, fileName,
                new SignatureCheck(SignatureKind.NotDigitallySigned, null, "A Word document: not digitally signed, for the coordinator to review.")),
        };
    }

    private static CounterpartInspection Pdf(byte[] content, string fileName, AgreementInfo agreement)
    {
        if (ReadText(content) is not { } text)
        {
            return new CounterpartInspection.Refused(DocumentProblem.UnreadablePdf, "The file starts like a PDF but cannot be read as one: save or scan it again as a PDF.");
        }

        if (Squeeze(text).Length > 0 && !Squeeze(text).Contains(Squeeze(agreement.Title), StringComparison.OrdinalIgnoreCase)
            && !Squeeze(text).Contains(Squeeze(agreement.Reference), StringComparison.OrdinalIgnoreCase))
        {
            return new CounterpartInspection.Refused(DocumentProblem.NotThisAgreement,
                $"The file does not name this agreement (“{agreement.Title}”, {agreement.Reference}): check it is the counterpart of this agreement.");
        }

        return PdfSignatures.Verify(content) switch
        {
            PdfSignatureResult.Verified v => new CounterpartInspection.Accepted(content, fileName, new SignatureCheck(SignatureKind.DigitallySigned, string.Join("; ", v.Signers),
                $"Digitally signed by {string.Join("; ", v.Signers)}: the signed bytes are intact and the signature verifies.")),
            PdfSignatureResult.Broken b => new CounterpartInspection.Refused(DocumentProblem.SignatureBroken,
                $"The file's digital signature does not hold: {b.Reason} Upload the file exactly as it was signed."),
            PdfSignatureResult.Unverifiable u => new CounterpartInspection.Accepted(content, fileName,
                new SignatureCheck(SignatureKind.NotDigitallySigned, null, $"A PDF whose signature SignOff cannot verify ({u.Reason}): for the coordinator to review.")),
            _ => new CounterpartInspection.Accepted(content, fileName,
                new SignatureCheck(SignatureKind.NotDigitallySigned, null, "A PDF with no digital signature (a scan, say): for the coordinator to review.")),
        };
    }

    /// <summary>The text of every page, or null when the file cannot be read as a PDF.</summary>
    private static string? ReadText(byte[] content)
    {
        try
        {
            using var document = PigDocument.Open(content);
            return string.Join("\n", document.GetPages().Select(page => page.Text));
        }
        catch (PdfDocumentFormatException)
        {
            return null;
        }
    }

    private static string Squeeze(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    /// <summary>A photo of a signed page as a one-page A4 PDF, the photo scaled to fit within the margins.</summary>
    /// <remarks>
    /// PDFsharp gives every PDF it writes fresh identifiers (the trailer's <c>/ID</c>, the XMP
    /// document ids), so the same photo uploaded twice makes two different PDFs: the commands
    /// therefore claim the photo's own SHA-256 as well as the PDF's, so a photo sent again for
    /// another partner is still refused.
    /// </remarks>
    private static CounterpartInspection Photo(byte[] content, string contentType, string fileName)
    {
        XImage image;
        try
        {
            image = XImage.FromStream(new MemoryStream(content));
        }
        catch (InvalidOperationException)
        {
            return new CounterpartInspection.Refused(DocumentProblem.UnreadablePhoto, "The photo cannot be read: take it again, or upload it as a PDF.");
        }

        using (image)
        using (var document = new PdfDocument())
        {
            document.Info.Title = $"Photo of a signed counterpart: {fileName}";
            document.Info.Creator = "SignOff";
            var page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            const double margin = 36;
            var scale = Math.Min((page.Width.Point - 2 * margin) / image.PointWidth, (page.Height.Point - 2 * margin) / image.PointHeight);
            using (var graphics = XGraphics.FromPdfPage(page))
            {
                graphics.DrawImage(image, margin, margin, image.PointWidth * scale, image.PointHeight * scale);
            }

            using var output = new MemoryStream();
            document.Save(output);
            var what = contentType == DocumentInspector.Png ? "PNG" : "JPEG";
            return new CounterpartInspection.Accepted(output.ToArray(), Path.ChangeExtension(fileName, ".pdf"),
                new SignatureCheck(SignatureKind.Photo, null, $"A photo ({what}) of a signed page, made into a PDF by SignOff: not digitally signed, for the coordinator to review."));
        }
    }
}
