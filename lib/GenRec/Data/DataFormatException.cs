// The one exception type for bad data files: it names the file, the 1-based line (when there is one)
// and what was expected, so a user can open the file at that line and see the problem.
namespace GenRec.Data;

/// <summary>
/// A data file does not follow its format. The message starts with the file name and line,
/// e.g. <c>items.jsonl line 17: expected "item_id" to be an integer, got "abc"</c>,
/// and ends with the full path.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception; <paramref name="detail"/> says what was expected and what was found.</summary>
    public DataFormatException(string filePath, int? lineNumber, string detail, Exception? inner = null)
        : base(Format(filePath, lineNumber, detail), inner)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        Detail = detail;
    }

    /// <summary>Full path of the offending file.</summary>
    public string FilePath { get; }

    /// <summary>1-based line number, or null when the problem concerns the whole file (e.g. it is missing).</summary>
    public int? LineNumber { get; }

    /// <summary>The expectation text without the file/line prefix.</summary>
    public string Detail { get; }

    private static string Format(string filePath, int? lineNumber, string detail)
    {
        var where = lineNumber is int line ? $"{Path.GetFileName(filePath)} line {line}" : Path.GetFileName(filePath);
        return $"{where}: {detail} (file: {filePath})";
    }

    /// <summary>Shortens a found value for an error message, so one huge line doesn't swamp the message.</summary>
    internal static string Shorten(string found, int maxLength = 60) =>
        found.Length <= maxLength ? found : found[..maxLength] + "…";

    /// <summary>A found token in double quotes (shortened), e.g. <c>"abc"</c>.</summary>
    internal static string Quoted(string found) => $"\"{Shorten(found)}\"";
}
