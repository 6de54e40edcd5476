namespace SignOff.Testing;

/// <summary>The repository checkout the tests were built from, for tests about its shipped files.</summary>
/// <remarks>
/// Some promises live in files that are not compiled (the <c>signoff</c> script, the examples):
/// tests read them where they are rather than copies, so a change to the file is what is tested.
/// </remarks>
public static class RepositoryFiles
{
    /// <summary>The folder holding <c>SignOff.sln</c>, found above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A file or folder under the repository root, e.g. <c>Path("signoff")</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "SignOff.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with SignOff.sln) was not found above the test binaries.");
    }
}
