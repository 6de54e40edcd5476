namespace SignOff.EndToEnd.Tests.Support;

/// <summary>Screenshots kept for people to look at, under <c>SIGNOFF_TEST_ARTIFACTS/screens</c>.</summary>
public static class Screens
{
    public static string Folder => Directory.CreateDirectory(Path.Combine(TestEnvironment.Artifacts, "screens")).FullName;

    /// <summary>Saves a full-page PNG as <c>screens/NAME.png</c> and returns its path.</summary>
    public static async Task<string> SaveAsync(IPage page, string name)
    {
        if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"'{name}' is not usable as a file name.", nameof(name));
        }

        var path = Path.Combine(Folder, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true, Type = ScreenshotType.Png });
        return path;
    }
}
