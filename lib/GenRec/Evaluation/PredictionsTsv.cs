// Predictions file: one user per line, `user_id<TAB>item_id item_id …`, items in rank order (best first),
// no header. Written atomically — to a temporary file in the same folder, then moved over the target —
// so a crash never leaves a half-written file that a later step would read as complete.
using System.Globalization;
using System.Text;
using GenRec.IO;

namespace GenRec.Evaluation;

/// <summary>Writes and reads ranked predictions as TSV.</summary>
public static class PredictionsTsv
{
    /// <summary>Writes the predictions to <paramref name="path"/> atomically (temp file + move).</summary>
    public static void Write(string path, IEnumerable<(int UserId, IReadOnlyList<int> Items)> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        AtomicFile.WriteText(path, writer =>
        {
            writer.NewLine = "\n";
            var line = new StringBuilder();
            foreach (var (userId, items) in predictions)
            {
                line.Clear().Append(userId.ToString(CultureInfo.InvariantCulture)).Append('\t');
                for (var i = 0; i < items.Count; i++)
                {
                    if (i > 0) line.Append(' ');
                    line.Append(items[i].ToString(CultureInfo.InvariantCulture));
                }
                writer.WriteLine(line);
            }
        });
    }

    /// <summary>Reads a file written by <see cref="Write"/>; a malformed line throws naming file and line.</summary>
    public static List<(int UserId, int[] Items)> Read(string path)
    {
        var result = new List<(int, int[])>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var tab = line.IndexOf('\t');
            if (tab < 0 || !int.TryParse(line.AsSpan(0, tab), NumberStyles.Integer, CultureInfo.InvariantCulture, out var userId))
                throw new FormatException($"{path}:{lineNumber}: expected 'user_id<TAB>item_id item_id …', got '{Shorten(line)}'.");
            var rest = line[(tab + 1)..];
            var parts = rest.Length == 0 ? [] : rest.Split(' ');
            var items = new int[parts.Length];
            for (var i = 0; i < parts.Length; i++)
                if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out items[i]))
                    throw new FormatException($"{path}:{lineNumber}: item {i + 1} '{Shorten(parts[i])}' is not an integer item id.");
            result.Add((userId, items));
        }
        return result;
    }

    static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
