using HyperTune.Core.Spaces;

namespace HyperTune.Core.Studies;

/// <summary>
/// One exploit/explore step of a population-based training member: after <see cref="Step"/> the member continued
/// from the checkpoint of member <see cref="Donor"/> at that step (itself when it only explored), with
/// <see cref="After"/> instead of <see cref="Before"/>.
/// </summary>
/// <param name="Step">The step whose checkpoint the member continued from.</param>
/// <param name="Donor">The trial whose checkpoint was copied (the member's own number: nothing copied).</param>
/// <param name="Before">The member's configuration up to <see cref="Step"/>.</param>
/// <param name="After">The configuration it trains with from the next step on.</param>
public sealed record LineageEntry(long Step, int Donor, Configuration Before, Configuration After);
