using Microsoft.ML;

namespace HyperTune.Trainables.MlNet;

/// <summary>
/// A learner an ML.NET trainable may use (<c>trainable.learner</c>): the hyperparameters a space may set by name,
/// and the ML.NET estimator for a task and a set of values.
/// </summary>
public abstract class MlLearner
{
    /// <summary>The spec's name for it.</summary>
    public abstract string Name { get; }

    /// <summary>The hyperparameters a space or <c>trainable.hyperparameters</c> may set.</summary>
    public abstract IReadOnlyList<MlHyperparameter> Hyperparameters { get; }

    /// <summary>
    /// True for linear learners: features are scaled to [0, 1] and missing values replaced by the column mean before
    /// training (tree learners split on raw values and treat missing ones themselves).
    /// </summary>
    public virtual bool IsLinear => false;

    /// <summary>The estimator that trains this learner for <paramref name="task"/> with <paramref name="values"/>.</summary>
    public abstract IEstimator<ITransformer> Create(MLContext ml, MlTask task, LearnerValues values, LearnerRuntime runtime);

    /// <summary>The hyperparameter named <paramref name="name"/>, or null.</summary>
    public MlHyperparameter? Find(string name) =>
        Hyperparameters.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.Ordinal));

    /// <summary>The feature column the estimators read.</summary>
    public const string FeatureColumn = "Features";

    /// <summary>The label column the estimators read.</summary>
    public const string LabelColumn = "Label";
}
