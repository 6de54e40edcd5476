using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Text;
using System.Text.RegularExpressions;

namespace SignOff.Host.Documents;

/// <summary>What the digital signatures of a PDF are worth.</summary>
public abstract record PdfSignatureResult
{
    /// <summary>The PDF carries no digital signature.</summary>
    public sealed record Unsigned : PdfSignatureResult;

    /// <summary>Every signature's signed bytes are intact and its CMS signature verifies; the last covers the whole file.</summary>
    /// <param name="Signers">Each signing certificate's subject, in file order.</param>
    public sealed record Verified(IReadOnlyList<string> Signers) : PdfSignatureResult;

    /// <summary>A signature of a form SignOff does not verify (the SHA-1 form), and which, in words: taken as not digitally signed.</summary>
    public sealed record Unverifiable(string Reason) : PdfSignatureResult;

    /// <summary>A signature that does not hold, and why, in words.</summary>
    public sealed record Broken(string Reason) : PdfSignatureResult;
}

/// <summary>
/// Finds and verifies a PDF's digital signatures: each signature dictionary's <c>/ByteRange</c>
/// (the signed bytes) and <c>/Contents</c> (the CMS signature, in the hole between them).
/// </summary>
/// <remarks>
/// <para>
/// The signature dictionaries are read from the file's raw bytes, not through a PDF parser: a
/// signature can only cover bytes of the file as written, so its <c>/ByteRange</c> and the hole
/// for <c>/Contents</c> are always literal in the file (never inside a compressed object stream),
/// and the hole describes itself — it starts with <c>&lt;</c> at the end of the first range and
/// ends with <c>&gt;</c> at the start of the second. What the signature means is left to kept
/// libraries: <see cref="AsnDecoder"/> finds the CMS's length in its zero-padded hole, and
/// <see cref="SignedCms"/> checks the signature and, for a detached signature, that its message
/// digest is the hash of the signed ranges.
/// </para>
/// <para>
/// Certificates are not chained to a trusted root: partners sign with their own organisations'
/// certificates, often self-issued. SignOff verifies that the file is exactly what was signed and
/// records who signed it; the coordinator sees the signer's subject and judges it.
/// </para>
/// </remarks>
public static partial class PdfSignatures
{
    /// <summary>Verifies every digital signature in a PDF.</summary>
    public static PdfSignatureResult Verify(byte[] pdf)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var ranges = ByteRangePattern().Matches(Encoding.Latin1.GetString(pdf));
        if (ranges.Count == 0)
        {
            return new PdfSignatureResult.Unsigned();
        }

        var signers = new List<string>();
        var coversWholeFile = false;
        foreach (Match range in ranges)
        {
            if (!TryRead(range, out var a, out var b, out var c, out var d) || a != 0 || b <= 0 || c <= b + 1 || d < 0 || c + d > pdf.Length
                || pdf[b] != (byte)'<' || pdf[c - 1] != (byte)'>')
            {
                return new PdfSignatureResult.Broken("a signature's byte range does not describe this file, so the file was changed after it was signed.");
            }

            switch (VerifyOne(pdf, b, c, d))
            {
                case Signed one:
                    signers.Add(one.Subject);
                    break;
                case NotSigned failed:
                    return new PdfSignatureResult.Broken(failed.Reason);
                case Unverifiable unverifiable:
                    return new PdfSignatureResult.Unverifiable(unverifiable.Reason);
            }

            coversWholeFile |= c + d == pdf.Length;
        }

        return coversWholeFile
            ? new PdfSignatureResult.Verified(signers)
            : new PdfSignatureResult.Broken("the file was changed after its last signature: the signed bytes do not reach its end.");
    }

    private abstract record OneSignature;

    private sealed record Signed(string Subject) : OneSignature;

    private sealed record NotSigned(string Reason) : OneSignature;

    private sealed record Unverifiable(string Reason) : OneSignature;

    /// <summary>Checks one signature: the CMS in the hole [b, c) over the ranges [0, b) and [c, c + d).</summary>
    private static OneSignature VerifyOne(byte[] pdf, int b, int c, int d)
    {
        var hex = Encoding.ASCII.GetString(pdf, b + 1, c - b - 2);
        hex = string.Concat(hex.Where(ch => !char.IsWhiteSpace(ch)));
        if (hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
        {
            return new NotSigned("a signature's contents are not a signature.");
        }

        var padded = Convert.FromHexString(hex);
        var signed = new byte[b + d];
        Buffer.BlockCopy(pdf, 0, signed, 0, b);
        Buffer.BlockCopy(pdf, c, signed, b, d);
        try
        {
            // The hole is zero-padded to a reserved size: the CMS is as long as its outer DER value says.
            AsnDecoder.ReadEncodedValue(padded, AsnEncodingRules.BER, out _, out _, out var length);
            var encoded = padded.AsSpan(0, length).ToArray();
            var cms = new SignedCms();
            cms.Decode(encoded);
            if (cms.ContentInfo.Content.Length == 0)
            {
                // adbe.pkcs7.detached and ETSI.CAdES.detached: SignedCms checks the message digest against the signed ranges.
                cms = new SignedCms(new ContentInfo(signed), detached: true);
                cms.Decode(encoded);
            }
            else
            {
                // adbe.pkcs7.sha1 signs a SHA-1 of the ranges: retired in PDF 2.0, and SHA-1 is no proof of integrity now.
                return new Unverifiable("its digital signature is of the retired SHA-1 form (adbe.pkcs7.sha1), which SignOff cannot verify");
            }

            cms.CheckSignature(verifySignatureOnly: true);
            return cms.SignerInfos.Count == 0 || cms.SignerInfos[0].Certificate is not { } certificate
                ? new NotSigned("a signature does not carry its signer's certificate.")
                : new Signed(certificate.Subject);
        }
        catch (AsnContentException)
        {
            return new NotSigned("a signature's contents are not a signature.");
        }
        catch (CryptographicException)
        {
            return new NotSigned("the file was changed after it was signed, or its signature does not verify.");
        }
    }

    private static bool TryRead(Match range, out int a, out int b, out int c, out int d)
    {
        b = c = d = 0;
        return int.TryParse(range.Groups[1].ValueSpan, CultureInfo.InvariantCulture, out a) && int.TryParse(range.Groups[2].ValueSpan, CultureInfo.InvariantCulture, out b)
            && int.TryParse(range.Groups[3].ValueSpan, CultureInfo.InvariantCulture, out c) && int.TryParse(range.Groups[4].ValueSpan, CultureInfo.InvariantCulture, out d);
    }

    [GeneratedRegex(@"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")]
    private static partial Regex ByteRangePattern();
}
