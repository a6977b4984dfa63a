using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Studies;
using Microsoft.Data.Sqlite;

namespace HyperTune.Cluster.Tests.Serialization;

/// <summary>
/// Writes <see cref="LegacyJournal.Events"/> into a new SQLite file with the serializers this version binds.
/// Run: <c>HYPERTUNE_WRITE_JOURNAL_FIXTURE=/tmp/x.db dotnet test tests/HyperTune.Cluster.Tests --filter
/// JournalFixtureGenerator</c>, then copy the file under <c>Serialization/Fixtures</c>.
/// </summary>
public sealed class JournalFixtureGenerator : TestKit
{
    private static readonly string Target =
        Environment.GetEnvironmentVariable(JournalFixtureFactAttribute.Variable) ?? "";

    public JournalFixtureGenerator() : base(TestConfig.Local(Storage()))
    {
    }

    private static StorageSpec Storage() =>
        new(StorageKind.Sqlite,
            new SqliteConnectionStringBuilder { DataSource = Target.Length > 0 ? Target : ":memory:" }.ToString());

    [JournalFixtureFact]
    public void Writes_the_legacy_study_journal()
    {
        Assert.False(File.Exists(Target) && new FileInfo(Target).Length > 0, $"{Target} exists already");
        Sys.ActorOf(LegacyJournalWriter.Props(StudyCoordinator.PersistenceIdOf(LegacyJournal.StudyId),
            LegacyJournal.Events, TestActor));
        var written = ExpectMsg<LegacyJournalWriter.Written>(TimeSpan.FromSeconds(30));
        Assert.Equal(LegacyJournal.Events.Count, written.SequenceNr);
    }
}
