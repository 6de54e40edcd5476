using SignOff.Core.Rounds;
using SignOff.Core.Wording;

namespace SignOff.Core.Tests.Wording;

/// <summary>The one vocabulary: every status and outcome has words of its own, and a label names a value as the API does.</summary>
public sealed class WordsTests
{
    [Fact]
    public void Every_partner_status_has_words_of_its_own()
    {
        var words = Enum.GetValues<PartnerStatus>().Select(Words.For).ToList();

        Assert.All(words, w => Assert.False(string.IsNullOrWhiteSpace(w)));
        Assert.Equal(words.Count, words.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_outcome_has_words_of_its_own_in_both_places_of_a_sentence()
    {
        var outcomes = Enum.GetValues<DecisionOutcome>();

        Assert.Equal(outcomes.Length, outcomes.Select(Words.For).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(outcomes.Length, outcomes.Select(o => Words.AsVerb(o)).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("decided on", Words.AsVerb(null));
    }

    [Fact]
    public void A_partner_that_has_decided_reads_as_its_decision()
    {
        foreach (var outcome in Enum.GetValues<DecisionOutcome>())
        {
            Assert.Equal(Words.For(outcome), Words.For(Enum.Parse<PartnerStatus>(outcome.ToString())));
        }
    }

    [Fact]
    public void A_label_names_a_value_as_the_api_does_with_spaces()
    {
        Assert.Equal("approved with conditions", Words.Name(DecisionOutcome.ApprovedWithConditions));
        Assert.Equal("circulating", Words.Name(RoundStatus.Circulating));
        Assert.Equal("decision confirmation", Words.Name(NotificationKind.DecisionConfirmation));
    }
}
