using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using SignOff.Core.Rounds;

namespace SignOff.Workflow;

/// <summary>The one data converter for everything the workflow stores or sends through the task hub.</summary>
/// <remarks>
/// The round's own JSON shape (<see cref="RoundJson"/>): kebab-case enum names and the
/// polymorphic trigger, event and effect discriminators. Entity state, operation inputs and
/// orchestration inputs all go through it, in both hosts, so state written by one host loads
/// in the other and stays readable in storage.
/// </remarks>
public static class WorkflowJson
{
    public static DataConverter Converter { get; } = new JsonDataConverter(RoundJson.Options);
}
