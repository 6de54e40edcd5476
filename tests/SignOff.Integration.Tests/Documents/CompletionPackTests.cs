using System.Diagnostics;
using PdfSharp.Pdf.IO;
using SignOff.Core.Rounds;
using SignOff.Host.Documents;
using SignOff.Integration.Tests.Support;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Documents;

/// <summary>The completion pack says what the round's state says, readably, whatever the names.</summary>
public sealed class CompletionPackTests
{
    private static readonly DateTimeOffset GeneratedAt = new(2021, 8, 2, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void The_pack_records_the_agreement_every_decision_and_every_counterpart()
    {
        var round = PlayedRound.Effective();
        var pdf = CompletionPack.Render(round, GeneratedAt);
        Artifacts.Save("completion-pack.pdf", pdf);
        var text = TextOf(pdf);

        Assert.Contains("Test Alliance MoU", text);
        Assert.Contains($"effective on {round.EffectiveOn!.Value:d MMMM yyyy}", text);
        Assert.Contains(round.CurrentVersion.Document.Sha256[..32], text);
        foreach (var p in round.Partners)
        {
            Assert.Contains(p.Name, text);
            Assert.Contains(p.Decision!.MinuteReference!, text);
            Assert.Contains(p.Decision.Body, text);
            Assert.Contains(p.Counterpart!.Document.Sha256[..32], text);
        }

        Assert.Contains("Alex Signatory, Chief Executive", text);
        Assert.Contains("page 1 of", text);
        Assert.Contains("Digitally signed by CN=Alex Signatory: the signature verifies", text);
        Assert.Contains("Partners (2 parties to the agreement)", text);
    }

    [Fact]
    public void Partners_are_listed_by_name_as_people_read_it_and_one_party_is_one_party()
    {
        var round = PlayedRound.Effective("Chelmsford CVS");
        var text = TextOf(CompletionPack.Render(round, GeneratedAt));
        Assert.True(text.IndexOf("Chelmsford CVS", StringComparison.Ordinal) < text.IndexOf("Maldon District Council", StringComparison.Ordinal));

        var both = PlayedRound.Effective();
        var cvs = PlayedRound.Effective("Chelmsford CVS");
        var city = both.Partners.Single(p => p.Name == "Chelmsford City Council");
        var mixed = both with { Partners = [.. both.Partners, cvs.Partners.Single(p => p.Name == "Chelmsford CVS") with { PartnerId = "chelmsford-cvs" }] };
        var listed = TextOf(CompletionPack.Render(mixed, GeneratedAt));
        Assert.True(listed.IndexOf(city.Name, StringComparison.Ordinal) < listed.IndexOf("Chelmsford CVS", StringComparison.Ordinal),
            "Chelmsford City Council comes before Chelmsford CVS as people read them (not by character code, where 'V' < 'i')");

        var alone = both with { Partners = [.. both.Partners.Select(p => p.Name == city.Name ? p with { Status = PartnerStatus.Withdrawn } : p)] };
        Assert.Contains("Partners (1 party to the agreement)", TextOf(CompletionPack.Render(alone, GeneratedAt)));
    }

    [Fact]
    public void Each_counterparts_signature_page_follows_the_summary_stamped_with_its_sha256()
    {
        var round = PlayedRound.Effective();
        var files = round.Partners.ToDictionary(p => p.Counterpart!.Document.Sha256, p => TestPdfs.Counterpart("Test Alliance MoU", $"the signatory of {p.Name}"));
        var summaryPages = PageCount(CompletionPack.Render(round, GeneratedAt));

        var pdf = CompletionPack.Render(round, GeneratedAt, files);
        Artifacts.Save("completion-pack-with-signature-pages.pdf", pdf);

        Assert.Equal(summaryPages + 2, PageCount(pdf));
        var text = TextOf(pdf);
        foreach (var p in round.Partners)
        {
            Assert.Contains($"Signed by the signatory of {p.Name}", text);
            Assert.Contains($"{p.Name}: signature page of the counterpart", text);
        }

        Assert.Contains("appended after this summary", text);
    }

    private static int PageCount(byte[] pdf)
    {
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        return document.PageCount;
    }

    [Fact]
    public void Hostile_and_long_names_wrap_onto_further_pages_without_being_lost()
    {
        var name = "Ysbyty Gwynedd & Cyngor Bwrdeistref Sirol Conwy — <script>alert(1)</script> " + string.Concat(Enumerable.Repeat("Partnership ", 30));
        var round = PlayedRound.Effective(name);
        var pdf = CompletionPack.Render(round, GeneratedAt);

        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        Assert.Equal("Completion pack: Test Alliance MoU", document.Info.Title);
        var text = TextOf(pdf);
        Assert.Contains("<script>alert(1)</script>", text);
        Assert.Contains("Cyngor Bwrdeistref", text);
    }

    [Fact]
    public void A_pack_of_an_unfinished_round_says_it_is_not_yet_effective()
    {
        var round = PlayedRound.Effective() with { Status = RoundStatus.Circulating, EffectiveOn = null };
        Assert.Contains("not yet effective", TextOf(CompletionPack.Render(round, GeneratedAt)));
    }

    /// <summary>The text a reader would get, through poppler's pdftotext (installed by ./signoff test).</summary>
    internal static string TextOf(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"pack-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(file, pdf);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-raw", file, "-"]) { RedirectStandardOutput = true })!;
            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
            return string.Join(' ', text.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
