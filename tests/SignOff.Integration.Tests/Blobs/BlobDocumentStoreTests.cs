using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using SignOff.Storage.Blobs;

namespace SignOff.Integration.Tests.Blobs;

/// <summary>Documents by content, stored by hash, never overwritten — against real Azurite blobs.</summary>
public sealed class BlobDocumentStoreTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    public static byte[] Zip(params string[] entries)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write("<?xml version=\"1.0\"?><x/>");
            }
        }

        return buffer.ToArray();
    }

    // Built once: a ZIP header carries the time it was made, so two builds a second apart differ.
    public static byte[] Docx { get; } = Zip("[Content_Types].xml", "_rels/.rels", "word/document.xml");

    private Azure.Storage.Blobs.BlobContainerClient? container;

    private BlobDocumentStore NewStore(long max = 4096)
    {
        container = azurite.Clients.Blobs.GetBlobContainerClient("d" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5)));
        return new(container, max);
    }

    private async Task<int> CountAsync()
    {
        var count = 0;
        await foreach (var _ in container!.GetBlobsAsync(cancellationToken: Ct))
        {
            count++;
        }

        return count;
    }

    [Theory]
    [InlineData("pdf", DocumentInspector.Pdf)]
    [InlineData("docx", DocumentInspector.Docx)]
    public void Pdf_and_docx_are_recognised_by_content(string kind, string contentType)
    {
        var bytes = kind == "pdf" ? Pdf : Docx;

        var check = DocumentInspector.Inspect(bytes, 1 << 20);

        Assert.True(check.IsAccepted);
        Assert.Equal(contentType, check.ContentType);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), check.Sha256);
    }

    public static TheoryData<string, DocumentProblem, string> Refusals() => new()
    {
        { "text", DocumentProblem.NotPdfOrDocx, "The file is not a PDF or a Word (.docx) document." },
        { "empty", DocumentProblem.Empty, "The file is empty." },
        { "xlsx", DocumentProblem.CorruptDocx, "The file is a ZIP archive but not a Word (.docx) document." },
        { "broken-zip", DocumentProblem.CorruptDocx, "The file is a ZIP archive but not a Word (.docx) document." },
        { "big", DocumentProblem.TooLarge, "The file is larger than the limit of 4 KB." },
    };

    private static byte[] Sample(string kind) => kind switch
    {
        "text" => Encoding.UTF8.GetBytes("I am a contract, honestly."),
        "empty" => [],
        "xlsx" => Zip("[Content_Types].xml", "xl/workbook.xml"),
        "broken-zip" => [.. "PK\u0003\u0004"u8, .. new byte[40]],
        "big" => [.. Pdf, .. new byte[5000]],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Anything_else_is_refused_and_nothing_is_stored(string kind, DocumentProblem problem, string message)
    {
        var store = NewStore();
        await store.EnsureCreatedAsync(Ct);

        var (check, _) = await store.ReadAsync(new MemoryStream(Sample(kind)), Ct);

        Assert.False(check.IsAccepted);
        Assert.Equal(problem, check.Problem);
        Assert.Equal(message, check.Message);
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task The_same_content_is_stored_once_under_its_hash_and_reads_back_exactly()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync(Ct);

        var (first, bytes) = await store.ReadAsync(new MemoryStream(Docx), Ct);
        var a = await store.PutAsync(first, bytes, "agreement.docx", Ct);
        var b = await store.PutAsync(first, bytes, "same-agreement-renamed.docx", Ct);

        Assert.Equal(a.Sha256, b.Sha256);
        Assert.Equal(1, await CountAsync());
        var opened = await store.OpenAsync(a.Sha256, Ct);
        Assert.NotNull(opened);
        using var copy = new MemoryStream();
        await opened.Value.Content.CopyToAsync(copy, Ct);
        Assert.Equal(Docx, copy.ToArray());
        Assert.Equal(DocumentInspector.Docx, opened.Value.ContentType);
        Assert.Null(await store.OpenAsync(new string('0', 64), Ct));
        Assert.Null(await store.OpenAsync("../../etc/passwd", Ct));
    }

    [Fact]
    public async Task An_oversized_stream_is_not_read_past_the_limit()
    {
        var store = NewStore(max: 1024);
        var endless = new CountingStream();

        var (check, bytes) = await store.ReadAsync(endless, Ct);

        Assert.Equal(DocumentProblem.TooLarge, check.Problem);
        Assert.True(endless.BytesRead < 1024 + 81920 + 1, $"read {endless.BytesRead} bytes");
        Assert.True(bytes.Length <= 1024 + 81920);
    }

    /// <summary>An endless stream of bytes that counts what was read.</summary>
    private sealed class CountingStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
