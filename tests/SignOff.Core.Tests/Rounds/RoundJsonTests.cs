using System.Text.Json;
using SignOff.Core.Rounds;

namespace SignOff.Core.Tests.Rounds;

/// <summary>One spelling of enum values for machines: what the JSON writes is what ids, webhooks and telemetry use.</summary>
public sealed class RoundJsonTests
{
    [Fact]
    public void Every_enum_value_of_the_core_is_spelled_by_kebab_as_the_json_spells_it()
    {
        var kebab = typeof(RoundProcess).GetMethod(nameof(RoundProcess.Kebab))!;
        var enums = typeof(RoundProcess).Assembly.GetTypes().Where(t => t.IsEnum && t.IsPublic).ToList();
        Assert.Contains(typeof(PartnerStatus), enums);
        foreach (var value in enums.SelectMany(t => Enum.GetValues(t).Cast<object>()))
        {
            Assert.Equal(JsonSerializer.Serialize(value, value.GetType(), RoundJson.Options), $"\"{kebab.MakeGenericMethod(value.GetType()).Invoke(null, [value])}\"");
        }
    }
}
