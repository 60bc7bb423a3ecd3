// Writes a dataset in the prepared text format (items.jsonl, sequences.txt, users.tsv) that
// AmazonDataset.Load reads; used by the raw importer. Each file goes to a temporary name first and is
// moved into place, so a crash never leaves a truncated file that looks complete.
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using GenRec.IO;

namespace GenRec.Data;

/// <summary>Writer for the prepared format.</summary>
public static class PreparedFormatWriter
{
    // Relaxed escaping keeps apostrophes, ampersands and accented letters readable in items.jsonl
    // (the default encoder writes ' as \u0027); the files are data, never embedded in HTML.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the three files of <paramref name="dataset"/> into <paramref name="directory"/> (created if needed).</summary>
    public static void Write(AmazonDataset dataset, string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteText(Path.Combine(directory, AmazonDataset.ItemsFile), writer =>
        {
            foreach (var item in dataset.Items) writer.Write(ItemLine(item) + "\n");
        });
        AtomicFile.WriteText(Path.Combine(directory, AmazonDataset.SequencesFile), writer =>
        {
            foreach (var sequence in dataset.Sequences)
                writer.Write($"{sequence.UserId} {string.Join(' ', sequence.Items)}\n");
        });
        AtomicFile.WriteText(Path.Combine(directory, AmazonDataset.UsersFile), writer =>
        {
            writer.Write(UsersReader.Header + "\n");
            foreach (var user in dataset.Users) writer.Write($"{user.Id}\t{user.ReviewerId}\n");
        });
    }

    /// <summary>One items.jsonl line (without newline), keys in the order of <see cref="ItemsJsonlReader.Keys"/>.</summary>
    public static string ItemLine(Item item)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("item_id", item.Id);
            json.WriteString("asin", item.Asin);
            WriteNullable(json, "title", item.Title);
            WriteNullable(json, "brand", item.Brand);
            json.WriteStartArray("categories");
            foreach (var path in item.Categories)
            {
                json.WriteStartArray();
                foreach (var name in path) json.WriteStringValue(name);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            WriteNullable(json, "keywords", item.Keywords);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNullable(Utf8JsonWriter json, string key, string? value)
    {
        if (value is null) json.WriteNull(key);
        else json.WriteString(key, value);
    }
}
