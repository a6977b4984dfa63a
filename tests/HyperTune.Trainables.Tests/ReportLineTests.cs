using HyperTune.Trainables.Processes;

namespace HyperTune.Trainables.Tests;

public class ReportLineTests
{
    [Fact]
    public void A_report_line_gives_step_and_metrics()
    {
        var r = ReportLine.Parse("hypertune-report step=3 loss=0.41 acc=0.9", 1)!;
        Assert.Equal(3, r.Step);
        Assert.Equal(0.41, r.Metrics["loss"]);
        Assert.Equal(0.9, r.Metrics["acc"]);
        Assert.Equal(7, ReportLine.Parse("hypertune-report loss=nan", 7)!.Step);
        Assert.True(double.IsNaN(ReportLine.Parse("hypertune-report loss=nan", 7)!.Metrics["loss"]));
    }

    [Theory]
    [InlineData("epoch 3 loss=0.4")]
    [InlineData("hypertune-reporter loss=1")]
    [InlineData("")]
    public void Other_lines_are_not_reports(string line) => Assert.Null(ReportLine.Parse(line, 1));

    [Theory]
    [InlineData("hypertune-report loss=abc", "non-numeric value 'abc'")]
    [InlineData("hypertune-report loss", "expected name=value")]
    [InlineData("hypertune-report step=x loss=1", "step 'x' is not an integer")]
    [InlineData("hypertune-report step=2", "no metrics")]
    public void Malformed_report_lines_are_errors(string line, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => ReportLine.Parse(line, 1)).Message);
}
