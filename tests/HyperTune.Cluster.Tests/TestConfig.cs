using Akka.Configuration;
using Akka.Persistence.Sql;
using HyperTune.Cluster.Hosting;

namespace HyperTune.Cluster.Tests;

/// <summary>Actor-system configuration for TestKit specs: the product's defaults with a test storage.</summary>
public static class TestConfig
{
    /// <summary>A local (non-cluster) system persisting to <paramref name="storage"/> with the product's serializer.</summary>
    public static Config Local(StorageSpec storage, string extra = "") =>
        ConfigurationFactory.ParseString($"""
            akka.actor.provider = local
            akka.loglevel = INFO
            akka.loggers = ["Akka.TestKit.TestEventListener, Akka.TestKit"]
            # CI runs on two loaded cores: an expected message may come late (a process to spawn, a JIT), never wrongly.
            akka.test.single-expect-default = 10s
            hypertune.study.tick-interval = 200ms
            hypertune.study.progress-interval = 50ms
            {extra}
            """)
            .WithFallback(ConfigurationFactory.ParseString(storage.ToHocon()))
            .WithFallback(HyperTuneNode.DefaultConfig())
            .WithFallback(SqlPersistence.DefaultConfiguration);
}
