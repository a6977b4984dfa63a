using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using static HyperTune.Trainables.Tests.MlNet.MlData;

namespace HyperTune.Trainables.Tests.MlNet;

public class MlNetBadInputTests
{
    private static string Fields(string train, string extra = "", string learner = "lightgbm", string task = "binary") =>
        $$"""{ "task": "{{task}}", "learner": "{{learner}}", "data": { "train": {{Quote(train)}} {{extra}} } }""";

    private static string WriteCsv(string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("hypertune-ml-").FullName, "data.csv");
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_missing_csv_is_named()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-hypertune", "train.csv");
        var e = Assert.Throws<SpecException>(() => Trainable(Fields(missing)).CheckData());
        Assert.Equal("trainable.data.train", e.Path);
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void An_absent_label_column_lists_the_columns()
    {
        var csv = WriteCsv("a,b,target\n1,2,0\n3,4,1\n");
        var e = Assert.Throws<SpecException>(() => Trainable(Fields(csv)).CheckData());
        Assert.Contains("no column 'label'", e.Message);
        Assert.Contains("a, b, target", e.Message);
    }

    [Fact]
    public void A_non_numeric_feature_names_line_and_column_and_categorical_fixes_it()
    {
        var csv = WriteCsv("size,color,label\n1,red,0\n2,blue,1\n3,red,1\n4,blue,0\n");
        var e = Assert.Throws<SpecException>(() => Trainable(Fields(csv)).CheckData());
        Assert.Contains("line 2", e.Message);
        Assert.Contains("column 'color' is 'red'", e.Message);
        Assert.Contains("categorical", e.Message);
        // Declared categorical, the column becomes one feature per level.
        var data = Trainables.MlNet.CsvTableReader.ReadTraining(
            Trainables.MlNet.DataOptions.Read(JsonSettings.Parse($$"""{"train": {{Quote(csv)}}, "categorical": ["color"]}""")),
            Trainables.MlNet.MlTask.Binary);
        Assert.Equal(new[] { "size", "color=blue", "color=red" }, data.Layout.FeatureNames);
        Assert.Equal(new float[] { 2, 1, 0 }, data.Rows[1]);
    }

    [Fact]
    public void Missing_values_are_NaN_features_and_a_missing_label_is_refused()
    {
        var csv = WriteCsv("x,label\n1,0\n,1\nNA,0\n4,1\n");
        var data = Trainables.MlNet.CsvTableReader.ReadTraining(
            Trainables.MlNet.DataOptions.Read(JsonSettings.Parse($$"""{"train": {{Quote(csv)}}}""")), Trainables.MlNet.MlTask.Binary);
        Assert.True(float.IsNaN(data.Rows[1][0]) && float.IsNaN(data.Rows[2][0]));
        var noLabel = WriteCsv("x,label\n1,0\n2,\n3,1\n");
        Assert.Contains("line 3: the label 'label' is missing",
            Assert.Throws<SpecException>(() => Trainable(Fields(noLabel)).CheckData()).Message);
    }

    [Fact]
    public void Unknown_learner_and_hyperparameter_names_list_the_valid_ones()
    {
        var csv = File("breast_cancer_train.csv");
        var learner = Assert.Throws<SpecException>(() => Trainable(Fields(csv, learner: "lightgmb")));
        Assert.Contains("unknown learner 'lightgmb'", learner.Message);
        Assert.Contains("lightgbm, fasttree, fastforest, sdca, lbfgs", learner.Message);
        var space = new SearchSpace(new FloatParameter("learnRate", 0.01, 0.3));
        var hyper = Assert.Throws<SpecException>(() => Trainable(Fields(csv), space));
        Assert.Equal("space.learnRate", hyper.Path);
        Assert.Contains("learningRate", hyper.Message);
        var range = Assert.Throws<SpecException>(() => Trainable(Fields(csv), new SearchSpace(new FloatParameter("featureFraction", 0.5, 2))));
        Assert.Contains("between", range.Message);
    }

    [Fact]
    public void Metrics_must_belong_to_the_task_and_go_the_sensible_way()
    {
        var trainable = Trainable(Fields(File("breast_cancer_train.csv")));
        var logLossUp = new ObjectiveSpec("logLoss", StudyDirection.Maximize);
        Assert.Contains("minimize", Assert.Throws<SpecException>(() => trainable.CheckMetrics(logLossUp)).Message);
        var rmse = new ObjectiveSpec("rmse", StudyDirection.Minimize);
        Assert.Contains("not a binary metric", Assert.Throws<SpecException>(() => trainable.CheckMetrics(rmse)).Message);
        trainable.CheckMetrics(new ObjectiveSpec("auc", StudyDirection.Maximize));
    }

    [Fact]
    public void Binary_classification_needs_two_label_values()
    {
        var csv = WriteCsv("x,label\n1,a\n2,b\n3,c\n");
        Assert.Contains("exactly 2 label values", Assert.Throws<SpecException>(() => Trainable(Fields(csv)).CheckData()).Message);
    }
}
