using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Storage.Blobs;

namespace SignOff.Host.Commands;

/// <summary>What SignOff concluded about an uploaded counterpart before the round sees it.</summary>
public abstract record CounterpartInspection
{
    /// <summary>The counterpart may be recorded: store <paramref name="Content"/> (a photo already turned into a PDF) with what its signature check found.</summary>
    /// <param name="Content">The bytes to store.</param>
    /// <param name="FileName">The name to store them under (a photo's name ends in .pdf once turned into one).</param>
    /// <param name="Check">How the signature was established.</param>
    public sealed record Accepted(byte[] Content, string FileName, SignatureCheck Check) : CounterpartInspection;

    /// <summary>The file cannot be this partner's signed counterpart, and why, in the officer's words.</summary>
    public sealed record Refused(DocumentProblem Problem, string Message) : CounterpartInspection;
}

/// <summary>Checks an uploaded counterpart's content: that it names the agreement, and what its signature is worth.</summary>
/// <remarks>
/// A port: the commands decide when a counterpart is checked, the <c>Documents</c> folder knows
/// how to read PDFs and photos, and the composition root joins the two (the commands may not use
/// the documents folder).
/// </remarks>
public interface ICounterpartInspector
{
    /// <summary>Inspects an upload whose type <see cref="DocumentInspector"/> already accepted.</summary>
    CounterpartInspection Inspect(byte[] content, DocumentCheck type, string fileName, AgreementInfo agreement);
}
