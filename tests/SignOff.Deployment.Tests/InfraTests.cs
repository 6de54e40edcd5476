using System.Diagnostics;
using System.Reflection;

namespace SignOff.Deployment.Tests;

/// <summary>
/// The Bicep in <c>infra/</c>, compiled and linted by the real Bicep CLI (from its NuGet package;
/// nothing is downloaded) through <c>infra/validate.sh</c>: no errors, no warnings.
/// </summary>
public sealed class InfraTests
{
    private static string Bicep => typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;

    [Fact]
    public async Task The_bicep_compiles_and_lints_with_no_errors_or_warnings()
    {
        var (code, output) = await ValidateAsync(Path.Combine(RepositoryRoot(), "infra"));

        Assert.True(code == 0, output);
        Assert.Contains("all checks passed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_template_fails_the_same_check()
    {
        var copy = Directory.CreateTempSubdirectory("signoff-infra-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "infra")))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }

            await File.AppendAllTextAsync(Path.Combine(copy, "main.bicep"), "\nparam neverUsed string = 'x'\n", TestContext.Current.CancellationToken);

            var (code, output) = await ValidateAsync(copy);

            Assert.NotEqual(0, code);
            Assert.Contains("neverUsed", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> ValidateAsync(string infra)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(infra, "validate.sh")]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["BICEP"] = Bicep;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SignOff.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with SignOff.sln) was not found above the test binaries.");
    }
}
