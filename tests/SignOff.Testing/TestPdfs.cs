using System.Globalization;
using System.Text;

namespace SignOff.Testing;

/// <summary>Small real PDFs for tests: a page of text that PDF readers (PdfPig, poppler) can read.</summary>
/// <remarks>
/// Written by hand with the standard Helvetica font and a correct cross-reference table, so
/// tests need no font files and no PDF writer: a counterpart must now be a readable PDF that
/// names its agreement, and the old one-line fakes (<c>%PDF-1.4 signed by X</c>) are not.
/// </remarks>
public static class TestPdfs
{
    /// <summary>A one-page PDF whose page shows each line of text.</summary>
    public static byte[] WithText(params string[] lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var content = new StringBuilder("BT /F1 12 Tf 72 760 Td 14 TL\n");
        foreach (var line in lines)
        {
            content.Append('(').Append(line.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal)
                .Replace(")", "\\)", StringComparison.Ordinal)).Append(") Tj T*\n");
        }

        content.Append("ET");
        var stream = content.ToString();
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            string.Create(CultureInfo.InvariantCulture, $"<< /Length {Encoding.Latin1.GetByteCount(stream)} >>\nstream\n{stream}\nendstream"),
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.Latin1.GetByteCount(pdf.ToString()));
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.Latin1.GetByteCount(pdf.ToString());
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }

    /// <summary>A counterpart of an agreement: a page naming it, signed by a signatory.</summary>
    public static byte[] Counterpart(string agreementTitle, string signedBy) =>
        WithText(agreementTitle, "Counterpart signature page", $"Signed by {signedBy}");
}
