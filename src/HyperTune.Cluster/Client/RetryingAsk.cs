using Akka.Actor;

namespace HyperTune.Cluster.Client;

/// <summary>
/// Asks an idempotent question again after each short attempt until one answer arrives or the time is up, with one
/// reply address for every attempt: an attempt answered late still counts, and it is normally the one that did the
/// work (a deletion answered after its retry had already found nothing left to delete reported no trials).
/// </summary>
internal static class RetryingAsk
{
    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="target"/> every <paramref name="attempt"/> until the first
    /// answer of any attempt arrives; a <see cref="Status.Failure"/> answer is thrown.
    /// </summary>
    /// <exception cref="AskTimeoutException">No answer within <paramref name="total"/>.</exception>
    public static async Task<T> AskAsync<T>(ActorSystem system, IActorRef target, object message, TimeSpan attempt,
        TimeSpan total, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        var replyTo = system.ActorOf(Props.Create(typeof(FirstAnswer), answer));
        try
        {
            var deadline = DateTime.UtcNow + total;
            while (true)
            {
                target.Tell(message, replyTo);
                var wait = deadline - DateTime.UtcNow;
                if (wait > attempt) wait = attempt;
                if (wait > TimeSpan.Zero)
                    await Task.WhenAny(answer.Task, Task.Delay(wait, cancellationToken)).ConfigureAwait(false);
                if (answer.Task.IsCompleted)
                {
                    var result = await answer.Task.ConfigureAwait(false);
                    if (result is Status.Failure failure) throw failure.Cause;
                    return (T)result;
                }
                cancellationToken.ThrowIfCancellationRequested();
                if (DateTime.UtcNow >= deadline)
                    throw new AskTimeoutException($"no answer from {target.Path} within {total.TotalSeconds:0.#}s");
            }
        }
        finally
        {
            system.Stop(replyTo);
        }
    }

    /// <summary>Keeps the first message it gets, from whichever attempt.</summary>
    private sealed class FirstAnswer(TaskCompletionSource<object> answer) : UntypedActor
    {
        protected override void OnReceive(object message) => answer.TrySetResult(message);
    }
}
