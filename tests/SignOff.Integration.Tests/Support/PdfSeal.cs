using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography.Pkcs;
using System.Text;
using System.Text.RegularExpressions;

namespace SignOff.Integration.Tests.Support;

/// <summary>Checks a PDF's last digital signature the way a reader does: the signed byte ranges, then the CMS signature over them.</summary>
public static partial class PdfSeal
{
    /// <summary>Whether the seal holds, and the signing certificate's subject.</summary>
    public sealed record Result(bool Intact, string? Signer, string Why);

    public static Result Verify(byte[] pdf)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var text = Encoding.Latin1.GetString(pdf);
        var match = ByteRange().Matches(text).LastOrDefault();
        if (match is null)
        {
            return new(false, null, "no /ByteRange");
        }

        var range = Enumerable.Range(1, 4).Select(i => long.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture)).ToArray();
        if (range[0] != 0 || range[2] + range[3] != pdf.Length)
        {
            return new(false, null, "the signed ranges do not cover the file");
        }

        var hex = text.Substring((int)range[1] + 1, (int)(range[2] - range[1] - 2));
        var der = Convert.FromHexString(hex);
        var length = AsnDecoder.ReadEncodedValue(der, AsnEncodingRules.BER, out _, out _, out var consumed) is var _ ? consumed : 0;
        var signed = pdf.AsSpan(0, (int)range[1]).ToArray().Concat(pdf.AsSpan((int)range[2], (int)range[3]).ToArray()).ToArray();
        var cms = new SignedCms(new ContentInfo(signed), detached: true);
        cms.Decode(der.AsSpan(0, length));
        try
        {
            cms.CheckSignature(verifySignatureOnly: true);
            return new(true, cms.SignerInfos[0].Certificate?.Subject, "verified");
        }
        catch (System.Security.Cryptography.CryptographicException broken)
        {
            return new(false, cms.SignerInfos[0].Certificate?.Subject, broken.Message);
        }
    }

    [GeneratedRegex(@"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")]
    private static partial Regex ByteRange();
}
