using HyperTune.Core.Randomness;

namespace HyperTune.Core.Spaces;

/// <summary>
/// An ordered set of parameters, some of them conditional on a categorical parent. The constructor validates the
/// whole space (empty ranges, log scales with non-positive bounds, unknown or non-categorical parents, duplicate
/// names, cycles) and orders parameters so that every parent comes before its children.
/// </summary>
public sealed class SearchSpace
{
    private readonly Dictionary<string, Parameter> _byName;

    /// <summary>Parameters in dependency order: parents before children, otherwise as declared.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Creates and validates a search space.</summary>
    /// <exception cref="SearchSpaceException">The space is invalid; the message names the parameter and the problem.</exception>
    public SearchSpace(IEnumerable<Parameter> parameters)
    {
        var list = parameters.ToList();
        if (list.Count == 0) throw new SearchSpaceException("", "the search space has no parameters");
        _byName = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var p in list)
        {
            if (string.IsNullOrWhiteSpace(p.Name)) throw new SearchSpaceException("", "a parameter has an empty name");
            if (!_byName.TryAdd(p.Name, p)) throw new SearchSpaceException(p.Name, "duplicate parameter name");
            ValidateDomain(p);
        }
        Dictionary<string, HashSet<object>>? choicesOf = null;
        foreach (var p in list)
        {
            if (p.Condition is not { } c) continue;
            if (!_byName.TryGetValue(c.Parent, out var parent))
                throw new SearchSpaceException(p.Name, $"condition refers to unknown parent '{c.Parent}'");
            if (parent is not CategoricalParameter cat)
                throw new SearchSpaceException(p.Name, $"condition parent '{c.Parent}' must be categorical");
            if (c.Values.Count == 0)
                throw new SearchSpaceException(p.Name, "condition lists no parent values");
            // A hash set of the parent's choices keeps this linear (a list lookup per value was quadratic).
            choicesOf ??= new Dictionary<string, HashSet<object>>(StringComparer.Ordinal);
            if (!choicesOf.TryGetValue(cat.Name, out var choices))
                choicesOf[cat.Name] = choices = new HashSet<object>(cat.Choices, ParameterValueComparer.Instance);
            foreach (var v in c.Values)
                if (!choices.Contains(v))
                    throw new SearchSpaceException(p.Name, $"condition value {ParameterValues.Format(v)} " +
                                                           $"is not a choice of '{c.Parent}' {DescribeBriefly(cat)}");
        }
        Parameters = TopologicalOrder(list);
        BranchParameters = Parameters.Where(p => p.Condition is not null).Select(p => p.Condition!.Parent)
            .Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Creates a space from parameters.</summary>
    public SearchSpace(params Parameter[] parameters) : this((IEnumerable<Parameter>)parameters) { }

    /// <summary>The parameter with the given name.</summary>
    public Parameter this[string name] =>
        _byName.TryGetValue(name, out var p) ? p : throw new KeyNotFoundException($"unknown parameter '{name}'");

    /// <summary>True when the space has a parameter with that name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>
    /// The branch parameters: the categoricals that other parameters' conditions name, each once, in the order of the
    /// first parameter that names it. Empty on a space without conditions.
    /// </summary>
    public IReadOnlyList<string> BranchParameters { get; }

    /// <summary>True when some parameter is conditional.</summary>
    public bool HasConditions => Parameters.Any(p => p.Condition is not null);

    /// <summary>True when every parameter is an unconditional float or integer (what CMA-ES and GPs like best).</summary>
    public bool IsContinuous => Parameters.All(p => p is NumericParameter && p.Condition is null);

    /// <summary>
    /// True when <paramref name="parameter"/> is active given the values chosen so far (which must include its
    /// ancestors): its parent is active and has one of the condition's values.
    /// </summary>
    public bool IsActive(Parameter parameter, IReadOnlyDictionary<string, object> chosen)
    {
        var p = parameter;
        while (p.Condition is { } c)
        {
            if (!chosen.TryGetValue(c.Parent, out var parentValue) || !c.IsSatisfiedBy(parentValue)) return false;
            p = _byName[c.Parent];
        }
        return true;
    }

    /// <summary>Draws a configuration uniformly at random (log-uniformly on log scales), respecting conditions.</summary>
    public Configuration Sample(SeededRandom random) => Build((p, _) => p.Sample(random));

    /// <summary>
    /// Builds a configuration by asking <paramref name="choose"/> for each active parameter in dependency order;
    /// the second argument holds the values chosen so far.
    /// </summary>
    public Configuration Build(Func<Parameter, IReadOnlyDictionary<string, object>, object> choose)
    {
        var chosen = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var p in Parameters)
            if (IsActive(p, chosen))
                chosen[p.Name] = ParameterValues.Canonical(choose(p, chosen));
        return Configuration.From(chosen);
    }

    /// <summary>
    /// Checks that a configuration belongs to this space: every active parameter present with a legal value, no
    /// unknown or inactive parameter. Returns the problems found (empty when valid).
    /// </summary>
    public IReadOnlyList<string> Check(IReadOnlyDictionary<string, object> config)
    {
        var problems = new List<string>();
        foreach (var name in config.Keys)
            if (!_byName.ContainsKey(name)) problems.Add($"unknown parameter '{name}'");
        foreach (var p in Parameters)
        {
            var active = IsActive(p, config);
            var present = config.TryGetValue(p.Name, out var v);
            if (active && !present) problems.Add($"parameter '{p.Name}' is missing");
            else if (!active && present) problems.Add($"parameter '{p.Name}' is inactive (condition on '{p.Condition!.Parent}' does not hold)");
            else if (present && !p.Contains(ParameterValues.Canonical(v!))) problems.Add($"parameter '{p.Name}' value {ParameterValues.Format(v)} is outside {p.Describe()}");
        }
        return problems;
    }

    private static void ValidateDomain(Parameter p)
    {
        switch (p)
        {
            case FloatParameter f:
                if (!double.IsFinite(f.Low) || !double.IsFinite(f.High)) throw new SearchSpaceException(p.Name, "bounds must be finite numbers");
                if (f.Low > f.High) throw new SearchSpaceException(p.Name, $"empty range: low {ParameterValues.Format(f.Low)} is greater than high {ParameterValues.Format(f.High)}");
                if (f.Log && f.Low <= 0) throw new SearchSpaceException(p.Name, $"log scale needs a positive low bound, got {ParameterValues.Format(f.Low)}");
                if (f.Step is { } s)
                {
                    if (!(s > 0)) throw new SearchSpaceException(p.Name, "step must be positive");
                    if (f.Log) throw new SearchSpaceException(p.Name, "step cannot be combined with a log scale");
                }
                break;
            case IntParameter i:
                if (i.LowValue > i.HighValue) throw new SearchSpaceException(p.Name, $"empty range: low {i.LowValue} is greater than high {i.HighValue}");
                if (i.Log && i.LowValue <= 0) throw new SearchSpaceException(p.Name, $"log scale needs a positive low bound, got {i.LowValue}");
                if (i.IntStep is { } st)
                {
                    if (st <= 0) throw new SearchSpaceException(p.Name, "step must be positive");
                    if (i.Log) throw new SearchSpaceException(p.Name, "step cannot be combined with a log scale");
                }
                break;
            case CategoricalParameter c:
                if (c.Choices.Count == 0) throw new SearchSpaceException(p.Name, "a categorical parameter needs at least one choice");
                // Linear: a pairwise comparison took 20 s for 10,000 choices and never ended for 1,000,000.
                var seen = new HashSet<object>(c.Choices.Count, ParameterValueComparer.Instance);
                foreach (var choice in c.Choices)
                {
                    if (choice is not (string or bool or long or double or int))
                        throw new SearchSpaceException(p.Name, "choices must be strings, numbers or booleans");
                    if (choice is double d && !double.IsFinite(d))
                        throw new SearchSpaceException(p.Name, "numeric choices must be finite");
                    if (!seen.Add(choice))
                        throw new SearchSpaceException(p.Name,
                            $"choice {ParameterValues.Format(choice)} is listed twice");
                }
                break;
        }
    }

    // An error message must stay short even for a parameter with thousands of choices.
    private static string DescribeBriefly(CategoricalParameter c, int shown = 20) => c.Choices.Count <= shown
        ? c.Describe()
        : "{" + string.Join(", ", c.Choices.Take(shown).Select(ParameterValues.Format)) +
          $", ... ({c.Choices.Count} choices)}}";

    private IReadOnlyList<Parameter> TopologicalOrder(List<Parameter> declared)
    {
        var ordered = new List<Parameter>(declared.Count);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = visiting, 2 = done
        void Visit(Parameter p)
        {
            if (state.TryGetValue(p.Name, out var s))
            {
                if (s == 1) throw new SearchSpaceException(p.Name, "conditions form a cycle");
                return;
            }
            state[p.Name] = 1;
            if (p.Condition is { } c) Visit(_byName[c.Parent]);
            state[p.Name] = 2;
            ordered.Add(p);
        }
        foreach (var p in declared) Visit(p);
        return ordered;
    }
}
