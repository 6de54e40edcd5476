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
