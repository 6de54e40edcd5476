using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PdfSharp.Drawing;
using SignOff.Core.Rounds;
using SignOff.Host.Documents;
using SignOff.Integration.Tests.Support;

namespace SignOff.Integration.Tests.Documents;

/// <summary>A counterpart executed in SignOff: the version exactly, a signature page that says who, when and what, and a seal that breaks if anything changes.</summary>
public sealed class CounterpartDocumentTests
{
    private static readonly DateTimeOffset SignedAt = new(2021, 7, 20, 14, 5, 0, TimeSpan.Zero);
    private static readonly SignatoryStatement Signatory = new("Richard Holmes", "Chief Executive", "Richard Holmes");

    [Fact]
    public void The_counterpart_is_the_draft_s_pages_then_a_signature_page_and_its_seal_verifies()
    {
        var round = PlayedRound.Effective();
        var partner = round.Partners[0];
        using var seal = Certificate();

        var pdf = CounterpartDocument.Render(round, partner, Draft("Clause 1. The partners will work together.", "Clause 2. Schedule of partners."), Signatory, SignedAt, "respond:abc123", seal);
        Artifacts.Save("counterpart-signed-in-signoff.pdf", pdf);

        using (var read = UglyToad.PdfPig.PdfDocument.Open(pdf))
        {
            Assert.Equal(3, read.NumberOfPages);
            Assert.Contains("Clause 1. The partners will work together.", Words(read.GetPage(1)), StringComparison.Ordinal);
            var signature = Words(read.GetPage(3));
            Assert.Contains("Counterpart signature page", signature, StringComparison.Ordinal);
            Assert.Contains(round.Agreement.Title, signature, StringComparison.Ordinal);
            Assert.Contains(round.CurrentVersion.Document.Sha256, signature, StringComparison.Ordinal);
            Assert.Contains($"Signed for and on behalf of {partner.Name}", signature, StringComparison.Ordinal);
            Assert.Contains("Chief Executive", signature, StringComparison.Ordinal);
            Assert.Contains("20 July 2021", signature, StringComparison.Ordinal);
            Assert.Contains("I am authorised to sign this agreement", signature, StringComparison.Ordinal);
            Assert.Contains("respond:abc123", signature, StringComparison.Ordinal);
        }

        var verified = Assert.IsType<PdfSignatureResult.Verified>(PdfSignatures.Verify(pdf));
        Assert.Equal([seal.Subject], verified.Signers);
    }

    [Fact]
    public void Any_change_to_a_sealed_counterpart_breaks_the_seal()
    {
        var round = PlayedRound.Effective();
        using var seal = Certificate();
        var pdf = CounterpartDocument.Render(round, round.Partners[0], Draft("Clause 1."), Signatory, SignedAt, "respond:abc123", seal);
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var at = text.IndexOf("Richard Holmes", StringComparison.Ordinal);
        var tampered = (byte[])pdf.Clone();
        if (at >= 0)
        {
            tampered[at] = (byte)'M'; // "Michard": a change inside the signed bytes
        }
        else
        {
            tampered[100] ^= 0x01; // the text is compressed: change a byte of the first signed range instead
        }

        Assert.IsType<PdfSignatureResult.Verified>(PdfSignatures.Verify(pdf));
        Assert.IsType<PdfSignatureResult.Broken>(PdfSignatures.Verify(tampered));
    }

    [Theory]
    [InlineData("PK\u0003\u0004 a Word file")]
    [InlineData("%PDF-1.4 with no cross-reference table")]
    public void A_draft_that_is_not_a_readable_pdf_is_named_by_its_sha_256_on_a_signature_page_alone(string draft)
    {
        var round = PlayedRound.Effective();
        using var seal = Certificate();

        var pdf = CounterpartDocument.Render(round, round.Partners[0], System.Text.Encoding.Latin1.GetBytes(draft), Signatory, SignedAt, "respond:abc123", seal);

        using var read = UglyToad.PdfPig.PdfDocument.Open(pdf);
        Assert.Equal(1, read.NumberOfPages);
        Assert.Contains("identified by its SHA-256", Words(read.GetPage(1)), StringComparison.Ordinal);
        Assert.IsType<PdfSignatureResult.Verified>(PdfSignatures.Verify(pdf));
    }

    [Theory]
    [InlineData(null, "Chief Executive", "Richard Holmes", true, "signName")]
    [InlineData("Richard Holmes", "", "Richard Holmes", true, "signPosition")]
    [InlineData("Richard Holmes", "Chief Executive", "", true, "signature")]
    [InlineData("Richard Holmes", "Chief Executive", "R Holmes", true, "signature")]
    [InlineData("Richard Holmes", "Chief Executive", "Richard Holmes", false, "authority")]
    public void The_signing_form_needs_every_detail_a_matching_typed_signature_and_the_statement(string? name, string position, string typed, bool confirmed, string field)
    {
        var read = CounterpartExecution.Read(name, position, typed, confirmed, "Maldon District Council");

        Assert.Equal(field, Assert.Single(read.Failures).Field);
    }

    [Fact]
    public void A_typed_signature_may_differ_from_the_name_in_case_and_spacing_only()
    {
        var read = CounterpartExecution.Read("Richard  Holmes", "Chief Executive", "richard holmes", true, "Maldon District Council");

        Assert.True(read.IsValid);
        Assert.Equal("richard holmes", read.Value.TypedSignature);
    }

    /// <summary>A page's words with single spaces between them (PdfPig's raw text has none where the PDF draws words apart).</summary>
    private static string Words(UglyToad.PdfPig.Content.Page page) => string.Join(' ', page.GetWords().Select(w => w.Text));

    private static X509Certificate2 Certificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=SignOff test seal", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>A real PDF draft with one page per text.</summary>
    public static byte[] Draft(params string[] pages)
    {
        PdfFonts.Ensure();
        using var document = new PdfSharp.Pdf.PdfDocument();
        foreach (var text in pages)
        {
            var page = document.AddPage();
            using var gfx = XGraphics.FromPdfPage(page);
            gfx.DrawString(text, new XFont("Sans", 12), XBrushes.Black, new XPoint(60, 80));
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }
}
