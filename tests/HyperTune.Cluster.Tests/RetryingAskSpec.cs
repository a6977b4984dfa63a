using Akka.Actor;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Client;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// The client's retried questions take the first answer of any attempt: an attempt answered after its retry went
/// out still counts (it is the one that did the work), and a failure answer is thrown.
/// </summary>
public sealed class RetryingAskSpec : TestKit
{
    /// <summary>Answers its first question late and every later one later still, saying which it answers.</summary>
    private sealed class SlowFirst : ReceiveActor
    {
        public SlowFirst()
        {
            var asked = 0;
            ReceiveAny(_ =>
            {
                asked++;
                var (delay, answer) = asked == 1
                    ? (TimeSpan.FromMilliseconds(400), "first")
                    : (TimeSpan.FromMilliseconds(1500), $"attempt {asked}");
                Context.System.Scheduler.ScheduleTellOnce(delay, Sender, answer, Self);
            });
        }
    }

    /// <summary>Answers every question with a failure.</summary>
    private sealed class Refusing : ReceiveActor
    {
        public Refusing() =>
            ReceiveAny(_ => Sender.Tell(new Status.Failure(new InvalidOperationException("refused"))));
    }

    [Fact]
    public async Task An_attempt_answered_after_its_retry_went_out_is_the_answer()
    {
        var target = Sys.ActorOf(Props.Create(() => new SlowFirst()));
        var answer = await RetryingAsk.AskAsync<string>(Sys, target, "delete", TimeSpan.FromMilliseconds(100),
            TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal("first", answer);
    }

    [Fact]
    public async Task No_answer_in_time_is_a_timeout_and_a_failure_answer_is_thrown()
    {
        var silent = CreateTestProbe();
        await Assert.ThrowsAsync<AskTimeoutException>(() => RetryingAsk.AskAsync<string>(Sys, silent.Ref, "hello",
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1500), CancellationToken.None));
        // Asked at the start and again after each 100 ms attempt (about 15 times; fewer on a loaded machine).
        var asked = silent.ReceiveWhile(TimeSpan.FromMilliseconds(500), o => o as string);
        Assert.InRange(asked.Count, 2, 16);
        Assert.All(asked, m => Assert.Equal("hello", m));

        var failing = Sys.ActorOf(Props.Create(() => new Refusing()));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RetryingAsk.AskAsync<string>(Sys, failing,
            "hello", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Equal("refused", e.Message);
    }
}
