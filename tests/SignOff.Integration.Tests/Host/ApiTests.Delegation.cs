using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Host;

/// <summary>Two-stage decisions over the API: approval in principle, the signature delegated, only the delegate's counterpart taken, the register in the pack.</summary>
public sealed partial class ApiTests
{
    [Fact]
    public async Task An_approval_in_principle_takes_only_the_delegates_counterpart_and_the_pack_records_the_authority()
    {
        var round = await LaunchAsync();
        var roundId = round.GetProperty("roundId").GetString()!;
        var maldon = round.GetProperty("partners")[0].GetProperty("partnerId").GetString()!;
        var decision = $"/api/rounds/{roundId}/partners/{maldon}/decision";

        var declineDelegating = await api.PostAsJsonAsync(decision,
            new { outcome = "decline", reason = "Not now", evidence = "Minutes", decidedOn = "2021-06-01", signatureDelegatedTo = "Leader of the Council" }, Ct);
        var refusedDecision = await ProblemAsync(declineDelegating, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("signatureDelegatedTo", refusedDecision.GetProperty("field").GetString());

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync(decision, new
        {
            outcome = "approve", evidence = "Full Council minutes, item 7", decidedOn = "2021-06-01", minuteReference = "FC 45/2021",
            signatureDelegatedTo = "Leader of the Council", actingUnder = (string?)null,
        }, Ct)).StatusCode);

        MultipartFormDataContent Counterpart(string position) => new()
        {
            { new ByteArrayContent(TestPdfs.Counterpart("Test Alliance MoU", maldon)), "file", "signed.pdf" },
            { new StringContent("Pat Chief"), "signatoryName" },
            { new StringContent(position), "signatoryPosition" },
            { new StringContent("2021-06-01"), "signedOn" },
        };
        var counterparts = $"/api/rounds/{roundId}/partners/{maldon}/counterparts";
        var byChiefExecutive = await ProblemAsync(await api.PostAsync(counterparts, Counterpart("Chief Executive"), Ct), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("signatoryPosition", byChiefExecutive.GetProperty("field").GetString());
        Assert.Contains("delegated Maldon District Council's signature to the Leader of the Council", byChiefExecutive.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(counterparts, Counterpart("Leader of the Council"), Ct)).StatusCode);
        var partner = (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct)).GetProperty("partners")[0];
        Assert.Equal("signed", partner.GetProperty("status").GetString());
        Assert.Equal("Leader of the Council", partner.GetProperty("decision").GetProperty("signatureDelegatedTo").GetString());

        var pack = await api.GetByteArrayAsync($"/api/rounds/{roundId}/completion-pack", Ct);
        var text = Documents.CompletionPackTests.TextOf(pack);
        Assert.Contains("the Leader of the Council, under the delegation by Full Council on 1 June 2021", text, StringComparison.Ordinal);
    }
}
