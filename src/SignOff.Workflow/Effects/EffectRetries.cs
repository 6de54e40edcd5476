using Microsoft.DurableTask;

namespace SignOff.Workflow.Effects;

/// <summary>The retry handler every effects orchestration (a round's, an agreement's) gives its activity calls.</summary>
/// <remarks>One definition, so an agreement's email is retried exactly as a round's is.</remarks>
public static class EffectRetries
{
    /// <summary>One call's retries: its own count of failures, apart from waits for another worker.</summary>
    /// <remarks>
    /// Deterministic: the handler runs again for each failure as the history replays, in the same
    /// order, so the count is rebuilt the same way every time.
    /// </remarks>
    public static TaskOptions For(EffectRetryPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var failures = 0;
        return TaskOptions.FromRetryHandler(async retry =>
        {
            if (Is<EffectRefusedException>(retry.LastFailure) || retry.LastAttemptNumber > policy.Delays.Count + policy.HeldRetries + 1)
            {
                return false;
            }

            if (Is<EffectHeldException>(retry.LastFailure))
            {
                // Someone else is sending it (or was, and died): wait for them, not for a failure's back-off.
                await retry.OrchestrationContext.CreateTimer(policy.HeldDelay, retry.CancellationToken);
                return true;
            }

            if (++failures > policy.Delays.Count)
            {
                return false;
            }

            await retry.OrchestrationContext.CreateTimer(policy.Delays[failures - 1], retry.CancellationToken);
            return true;
        });
    }

    /// <summary>True when the failure, or one it wraps, is a <typeparamref name="T"/>.</summary>
    /// <remarks>
    /// By the recorded type name, not <c>TaskFailureDetails.IsCausedBy</c>: that resolves the name
    /// against every loaded assembly and throws when two define it (SocketException does), which
    /// would fail the whole orchestration instead of retrying one effect.
    /// </remarks>
    public static bool Is<T>(TaskFailureDetails? failure)
        where T : Exception
    {
        for (; failure is not null; failure = failure.InnerFailure)
        {
            if (failure.ErrorType == typeof(T).FullName)
            {
                return true;
            }
        }

        return false;
    }
}
