using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Host.Commands;
using SignOff.Host.Documents;
using SignOff.Integration.Tests.Support;
using SignOff.Storage.Blobs;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Documents;

/// <summary>What the counterpart check makes of each kind of file an officer sends.</summary>
public sealed class CounterpartInspectorTests
{
    private static readonly AgreementInfo Agreement = new("Test Alliance MoU", "TEST-MOU");
    private readonly CounterpartInspector inspector = new();

    private CounterpartInspection Inspect(byte[] content, string name = "signed.pdf") =>
        inspector.Inspect(content, DocumentInspector.Inspect(content, 10_000_000, UploadPurpose.Counterpart), name, Agreement);

    [Fact]
    public void A_scanned_or_unsigned_pdf_naming_the_agreement_is_taken_as_not_digitally_signed()
    {
        var accepted = Assert.IsType<CounterpartInspection.Accepted>(Inspect(TestPdfs.Counterpart("Test Alliance MoU", "Maldon")));
        Assert.Equal(SignatureKind.NotDigitallySigned, accepted.Check.Kind);
        Assert.False(accepted.Check.IsVerified);
    }

    [Fact]
    public void The_agreement_is_found_by_its_reference_too_whatever_the_case_and_line_breaks()
    {
        Assert.IsType<CounterpartInspection.Accepted>(Inspect(TestPdfs.WithText("Reference: test-", "mou", "Signed by Maldon")));
        Assert.IsType<CounterpartInspection.Accepted>(Inspect(TestPdfs.WithText("TEST ALLIANCE", "MOU")));
    }

    [Fact]
    public void A_pdf_of_another_agreement_is_refused()
    {
        var refused = Assert.IsType<CounterpartInspection.Refused>(Inspect(TestPdfs.Counterpart("Sefton Collaboration Agreement", "Maldon")));
        Assert.Equal(DocumentProblem.NotThisAgreement, refused.Problem);
        Assert.Contains("Test Alliance MoU", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_only_starts_like_a_pdf_is_refused_as_unreadable()
    {
        var refused = Assert.IsType<CounterpartInspection.Refused>(Inspect("%PDF-1.4\n% signed by Maldon\n%%EOF\n"u8.ToArray()));
        Assert.Equal(DocumentProblem.UnreadablePdf, refused.Problem);
    }

    [Fact]
    public void A_digitally_signed_pdf_whose_signature_verifies_records_its_signer()
    {
        var signed = TestCounterparts.Signed(TestPdfs.Counterpart("Test Alliance MoU", "Maldon"), "CN=Jo Bloggs, O=Maldon District Council");
        var accepted = Assert.IsType<CounterpartInspection.Accepted>(Inspect(signed));
        Assert.Equal(SignatureKind.DigitallySigned, accepted.Check.Kind);
        Assert.True(accepted.Check.IsVerified);
        Assert.Equal("CN=Jo Bloggs, O=Maldon District Council", accepted.Check.Signer);
        Assert.Same(signed, accepted.Content);
    }

    [Fact]
    public void A_signed_pdf_changed_after_signing_is_refused()
    {
        var signed = TestCounterparts.Signed(TestPdfs.Counterpart("Test Alliance MoU", "Maldon"), "CN=Jo Bloggs");
        var refused = Assert.IsType<CounterpartInspection.Refused>(Inspect(TestCounterparts.Tampered(signed)));
        Assert.Equal(DocumentProblem.SignatureBroken, refused.Problem);

        var appended = signed.Concat("\n% appended after signing\n"u8.ToArray()).ToArray();
        Assert.Equal(DocumentProblem.SignatureBroken, Assert.IsType<CounterpartInspection.Refused>(Inspect(appended)).Problem);
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("png")]
    public void A_photo_of_the_signed_page_becomes_a_one_page_pdf_marked_as_a_photo(string kind)
    {
        var photo = kind == "png" ? TestCounterparts.Png : TestCounterparts.Jpeg;
        var accepted = Assert.IsType<CounterpartInspection.Accepted>(Inspect(photo, $"signature-page.{kind}"));
        Assert.Equal(SignatureKind.Photo, accepted.Check.Kind);
        Assert.Equal("signature-page.pdf", accepted.FileName);
        Assert.Equal(DocumentInspector.Pdf, DocumentInspector.Inspect(accepted.Content, 10_000_000).ContentType);
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(accepted.Content);
        Assert.Equal(1, pdf.NumberOfPages);
        Assert.Single(pdf.GetPage(1).GetImages());
    }

    [Fact]
    public void A_photo_is_a_counterpart_but_never_a_draft()
    {
        Assert.Equal(DocumentProblem.NotPdfOrDocx, DocumentInspector.Inspect(TestCounterparts.Jpeg, 10_000_000).Problem);
        Assert.Equal(DocumentProblem.NotCounterpartType, DocumentInspector.Inspect("GIF89a"u8, 10_000_000, UploadPurpose.Counterpart).Problem);
    }
}
