using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;

namespace SignOff.Storage.Blobs;

/// <summary>Why an upload was refused.</summary>
public enum DocumentProblem
{
    Empty,
    TooLarge,
    NotPdfOrDocx,
    CorruptDocx,

    /// <summary>A counterpart that is not a PDF, a Word document or a JPEG or PNG photo.</summary>
    NotCounterpartType,

    /// <summary>A counterpart that starts like a PDF but cannot be read as one.</summary>
    UnreadablePdf,

    /// <summary>A counterpart that starts like a JPEG or PNG photo but cannot be read as one.</summary>
    UnreadablePhoto,

    /// <summary>A counterpart PDF whose text names neither the agreement's title nor its reference.</summary>
    NotThisAgreement,

    /// <summary>A counterpart PDF with a digital signature whose signed bytes were changed, or whose signature does not verify.</summary>
    SignatureBroken,

    /// <summary>A counterpart byte-identical to one recorded for another partner, in this round or another.</summary>
    CounterpartUsedElsewhere,
}

/// <summary>What an upload is for: a counterpart may also be a photo of a signed page.</summary>
public enum UploadPurpose
{
    Draft,
    Counterpart,
}

/// <summary>The verdict on an upload: its type, size and hash, or why it was refused.</summary>
public sealed record DocumentCheck(string? ContentType, long Length, string? Sha256, DocumentProblem? Problem, string? Message)
{
    public bool IsAccepted => Problem is null;
}

/// <summary>
/// Decides what a document is by its content, never by its name or declared type: a text file
/// named <c>contract.pdf</c> is not a PDF.
/// </summary>
public static class DocumentInspector
{
    public const string Pdf = "application/pdf";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";

    private static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> PngMagic => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Checks a draft or a counterpart: a PDF or Word document, or (counterparts only) a JPEG or PNG photo.</summary>
    /// <remarks>
    /// A photo is accepted only as a counterpart: officers photograph a wet-ink signature page with
    /// a phone, whereas a draft is always a document. The photo is not stored as it is; the
    /// counterpart check turns it into a one-page PDF first.
    /// </remarks>
    public static DocumentCheck Inspect(ReadOnlySpan<byte> content, long maxBytes, UploadPurpose purpose)
    {
        if (purpose == UploadPurpose.Counterpart && content.Length > 0 && content.Length <= maxBytes)
        {
            if (content.StartsWith(JpegMagic))
            {
                return Accept(content, Jpeg);
            }

            if (content.StartsWith(PngMagic))
            {
                return Accept(content, Png);
            }
        }

        var check = Inspect(content, maxBytes);
        return purpose == UploadPurpose.Counterpart && check.Problem == DocumentProblem.NotPdfOrDocx
            ? Refuse(content.Length, DocumentProblem.NotCounterpartType, "The file is not a PDF, a Word (.docx) document, or a JPEG or PNG photo of the signed page.")
            : check;
    }

    public static DocumentCheck Inspect(ReadOnlySpan<byte> content, long maxBytes)
    {
        if (content.Length == 0)
        {
            return Refuse(0, DocumentProblem.Empty, "The file is empty.");
        }

        if (content.Length > maxBytes)
        {
            return Refuse(content.Length, DocumentProblem.TooLarge, $"The file is larger than the limit of {Size(maxBytes)}.");
        }

        if (content.StartsWith("%PDF-"u8))
        {
            return Accept(content, Pdf);
        }

        if (content.StartsWith("PK\x03\x04"u8))
        {
            return IsDocx(content.ToArray())
                ? Accept(content, Docx)
                : Refuse(content.Length, DocumentProblem.CorruptDocx, "The file is a ZIP archive but not a Word (.docx) document.");
        }

        return Refuse(content.Length, DocumentProblem.NotPdfOrDocx, "The file is not a PDF or a Word (.docx) document.");
    }

    /// <summary>A size as people read it: "25 MB", "64 KB".</summary>
    public static string Size(long bytes) => bytes >= 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.#} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, bytes / 1024)} KB");

    private static bool IsDocx(byte[] bytes)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            return zip.GetEntry("[Content_Types].xml") is not null && zip.GetEntry("word/document.xml") is not null;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static DocumentCheck Accept(ReadOnlySpan<byte> content, string type) =>
        new(type, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)), null, null);

    private static DocumentCheck Refuse(long length, DocumentProblem problem, string message) => new(null, length, null, problem, message);
}
