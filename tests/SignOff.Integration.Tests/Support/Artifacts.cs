namespace SignOff.Integration.Tests.Support;

/// <summary>Files a test keeps for people to look at (screenshots, PDFs): under SIGNOFF_TEST_ARTIFACTS, or the test's own folder.</summary>
public static class Artifacts
{
    public static string Folder { get; } = Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("SIGNOFF_TEST_ARTIFACTS") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public static string PathOf(string name) => Path.Combine(Folder, name);

    public static void Save(string name, byte[] content) => File.WriteAllBytes(PathOf(name), content);
}
