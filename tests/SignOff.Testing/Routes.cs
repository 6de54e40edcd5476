using SignOff.Core.Definitions;

namespace SignOff.Testing;

/// <summary>Governance routes as the shipped workflows define them, for tests that do not parse files.</summary>
public static class Routes
{
    public static GovernanceRoute CabinetMember { get; } =
        new("cabinet-member", "Cabinet member decision", GovernanceKind.IndividualDecision, 5, "Cabinet Member", "Individual executive decision, subject to call-in.");

    public static GovernanceRoute Cabinet { get; } =
        new("cabinet", "Cabinet", GovernanceKind.Meeting, 5, "Cabinet", "Cabinet meeting, subject to call-in.");

    public static GovernanceRoute FullCouncil { get; } =
        new("full-council", "Full council", GovernanceKind.Meeting, 0, "Full Council", "A meeting of the full council; no call-in.");

    public static GovernanceRoute NhsTrustBoard { get; } =
        new("nhs-trust-board", "NHS trust board", GovernanceKind.Meeting, 0, "Trust Board", "A meeting of the trust board.");

    public static GovernanceRoute CharityBoard { get; } =
        new("charity-board", "Charity board of trustees", GovernanceKind.Meeting, 0, "Board of Trustees", "A meeting of the trustees.");

    public static GovernanceRoute DelegatedOfficer { get; } =
        new("delegated-officer", "Delegated officer decision", GovernanceKind.DelegatedOfficer, 0, "Chief Executive", "An officer under delegated powers.");
}
