namespace HyperTune.Benchmarks;

/// <summary>A plain-text table with a header row and left-aligned first column, right-aligned others.</summary>
public sealed class TextTable
{
    private readonly List<string[]> _rows = new();

    /// <summary>Creates a table with its header.</summary>
    public TextTable(params string[] header) => _rows.Add(header);

    /// <summary>Adds a row (missing cells are blank).</summary>
    public void Add(params string[] cells) => _rows.Add(cells);

    /// <summary>Writes the table, columns separated by two spaces, the header underlined.</summary>
    public void Write(TextWriter writer)
    {
        var columns = _rows.Max(r => r.Length);
        var widths = Enumerable.Range(0, columns).Select(c => _rows.Max(r => c < r.Length ? r[c].Length : 0)).ToArray();
        for (var i = 0; i < _rows.Count; i++)
        {
            var row = _rows[i];
            var cells = Enumerable.Range(0, columns).Select(c =>
            {
                var text = c < row.Length ? row[c] : "";
                return c == 0 ? text.PadRight(widths[c]) : text.PadLeft(widths[c]);
            });
            writer.WriteLine(string.Join("  ", cells).TrimEnd());
            if (i == 0) writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
    }
}
