using System.Text.RegularExpressions;

namespace HyperTune.Cluster.Hosting;

/// <summary>Table names from config go into SQL text: only plain identifiers are accepted.</summary>
public static partial class SqlIdentifier
{
    /// <summary>Returns <paramref name="name"/> when it is a plain SQL identifier (letters, digits, underscores).</summary>
    /// <param name="name">The identifier.</param>
    /// <param name="what">What it names, for the message ("lease table").</param>
    /// <exception cref="ArgumentException">It is not.</exception>
    public static string Require(string name, string what) =>
        Plain().IsMatch(name)
            ? name
            : throw new ArgumentException($"{what} name '{name}' is not a plain SQL identifier", nameof(name));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex Plain();
}
