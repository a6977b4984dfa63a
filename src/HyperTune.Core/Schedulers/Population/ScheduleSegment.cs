using HyperTune.Core.Spaces;

namespace HyperTune.Core.Schedulers.Population;

/// <summary>
/// A piece of a hyperparameter schedule: from the step after <see cref="AfterStep"/> (0: from the start) until the
/// next segment, training uses <see cref="Params"/>.
/// </summary>
/// <param name="AfterStep">The step after which these params apply.</param>
/// <param name="Params">The configuration.</param>
public sealed record ScheduleSegment(long AfterStep, Configuration Params);
