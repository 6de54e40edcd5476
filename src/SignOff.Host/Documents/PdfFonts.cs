using PdfSharp.Fonts;

namespace SignOff.Host.Documents;

/// <summary>The fonts SignOff's PDFs are drawn with: PDFsharp's own embedded Segoe WP faces.</summary>
/// <remarks>
/// A Functions worker has no system fonts, so every PDF SignOff writes (the completion pack, a
/// counterpart's signature page) draws with the faces shipped inside PDFsharp, and renders the
/// same on every host.
/// </remarks>
internal static class PdfFonts
{
    private static readonly Lock ResolverLock = new();

    /// <summary>Installs the resolver once per process (PDFsharp's resolver is process-wide and may be set only once).</summary>
    public static void Ensure()
    {
        lock (ResolverLock)
        {
            GlobalFontSettings.FontResolver ??= new SegoeWpFontResolver();
        }
    }

    /// <summary>Serves PDFsharp's embedded Segoe WP faces for every family, so no system fonts are needed.</summary>
    private sealed class SegoeWpFontResolver : IFontResolver
    {
        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
            new(bold ? "SegoeWP-Bold" : "SegoeWP", mustSimulateBold: false, mustSimulateItalic: italic);

        public byte[] GetFont(string faceName) => faceName == "SegoeWP-Bold"
            ? PdfSharp.WPFonts.FontDataHelper.SegoeWPBold
            : PdfSharp.WPFonts.FontDataHelper.SegoeWP;
    }
}
