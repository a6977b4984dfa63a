using System.CommandLine;
using System.Text.RegularExpressions;

namespace HyperTune.Cli.Commands;

/// <summary>
/// Command-line parse errors for people: each on one line, no .NET type names, and exit code 2 (usage), as for any
/// other bad input.
/// </summary>
internal static partial class ParseErrors
{
    /// <summary>
    /// Prints the errors of <paramref name="result"/> and returns 2, or returns null when it has none.
    /// </summary>
    public static int? Report(ParseResult result, TextWriter error)
    {
        if (result.Errors.Count == 0) return null;
        foreach (var e in result.Errors) error.WriteLine($"error: {Friendly(e.Message)}");
        var command = string.Join(' ', Path(result.CommandResult.Command));
        error.WriteLine($"see '{command} --help'");
        return ExitCodes.BadInput;
    }

    /// <summary>A parser message with the expected .NET type named as a kind of value instead.</summary>
    public static string Friendly(string message) =>
        ExpectedType().Replace(message, m => "as " + Kind(m.Groups[1].Value));

    private static string Kind(string type) => type switch
    {
        _ when type.Contains("Int32") || type.Contains("Int64") => "a whole number",
        _ when type.Contains("Double") || type.Contains("Single") || type.Contains("Decimal") => "a number",
        _ when type.Contains("Boolean") => "true or false",
        _ when type.Contains("FileInfo") || type.Contains("DirectoryInfo") => "a path",
        _ when type.Contains("TimeSpan") => "a duration",
        _ => "the expected kind of value",
    };

    private static IEnumerable<string> Path(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, c is RootCommand ? "hypertune" : c.Name);
        return names;
    }

    [GeneratedRegex(@"as expected type '([^']+)'")]
    private static partial Regex ExpectedType();
}
