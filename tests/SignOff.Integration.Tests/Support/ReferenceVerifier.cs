using System.Diagnostics;
using System.Text.Json;

namespace SignOff.Integration.Tests.Support;

/// <summary>
/// Runs the reference Standard Webhooks verifier (npm <c>standardwebhooks</c>, through node) over
/// received deliveries: the signatures are checked by code that is not ours.
/// </summary>
public static class ReferenceVerifier
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public sealed record Verdict(bool Ok, string? Error);

    public static async Task<IReadOnlyList<Verdict>> VerifyAsync(IEnumerable<(string Secret, RecordingReceiver.Received Request)> deliveries, CancellationToken ct)
    {
        var modules = Environment.GetEnvironmentVariable("SIGNOFF_TEST_NODE_MODULES")
            ?? throw new InvalidOperationException("SIGNOFF_TEST_NODE_MODULES is not set: run the tests with ./signoff test, which installs standardwebhooks.");
        var input = JsonSerializer.Serialize(deliveries.Select(d => new
        {
            secret = d.Secret,
            body = d.Request.Body,
            headers = new Dictionary<string, string>
            {
                ["webhook-id"] = d.Request.Headers.GetValueOrDefault("webhook-id", ""),
                ["webhook-timestamp"] = d.Request.Headers.GetValueOrDefault("webhook-timestamp", ""),
                ["webhook-signature"] = d.Request.Headers.GetValueOrDefault("webhook-signature", ""),
            },
        }));
        var start = new ProcessStartInfo("node", [Path.Combine(AppContext.BaseDirectory, "Webhooks", "verify-webhooks.cjs")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["NODE_PATH"] = modules;
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        await node.StandardInput.WriteAsync(input);
        node.StandardInput.Close();
        var output = await node.StandardOutput.ReadToEndAsync(ct);
        var errors = await node.StandardError.ReadToEndAsync(ct);
        await node.WaitForExitAsync(ct);
        Assert.True(node.ExitCode == 0, $"the reference verifier failed: {errors}");
        return JsonSerializer.Deserialize<List<Verdict>>(output, Web)!;
    }
}
