using SignOff.Core.Rounds;

namespace SignOff.Host.Documents;

/// <summary>A counterpart's signature check as people read it: on the partner's page and in the completion pack.</summary>
public static class SignatureCheckWords
{
    /// <summary>"Digitally signed by CN=…", "Not digitally signed — review", and so on.</summary>
    public static string For(SignatureCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.Kind switch
        {
            SignatureKind.SignedInSignOff => $"Signed in SignOff{(check.Signer is { } by ? $" by {by}" : "")}",
            SignatureKind.DigitallySigned => $"Digitally signed by {check.Signer}: the signature verifies",
            SignatureKind.NotDigitallySigned => "Not digitally signed — review",
            SignatureKind.Photo => "A photo of a signed page, not digitally signed — review",
            _ => throw new ArgumentOutOfRangeException(nameof(check), check.Kind, "No words for this kind of signature."),
        };
    }
}
