// Bookkeeping that lets the pipeline (`genrec run`, Pipeline.Run) resume: a stage folder counts as finished
// only when its stage.json marker exists and names the same inputs (a fingerprint of the resolved config of
// that stage and of the stages it reads). The marker is written last and atomically, so an interrupted stage
// is simply redone (or, for TIGER training, resumed from its last checkpoint by the trainer itself).
// Fingerprints also name the shared semantic-ID cache folders, so their text must not change: a changed
// fingerprint silently recomputes every cached stage.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenRec.Data;

namespace GenRec.Runs;

/// <summary>Stage markers, fingerprints and file copies of a run folder.</summary>
public static class RunStages
{
    const string MarkerFile = "stage.json";

    /// <summary>A short, stable hash of anything JSON-serialisable (plus upstream fingerprints).</summary>
    public static string Fingerprint(object inputs, params string[] upstream)
    {
        var text = JsonSerializer.Serialize(inputs, RunFiles.Json) + "|" + string.Join("|", upstream);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>A hash of the interaction sequences (item texts are already in the embedding cache's key).</summary>
    public static string DataFingerprint(AmazonDataset data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var sequence in data.Sequences)
        {
            hash.AppendData(BitConverter.GetBytes(sequence.UserId));
            foreach (var item in sequence.Items) hash.AppendData(BitConverter.GetBytes(item));
            hash.AppendData(BitConverter.GetBytes(-1)); // end of one user's sequence
        }
        return $"{data.Name}:{data.ItemCount}:" + Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    /// <summary>True when <paramref name="stageDir"/> finished earlier with exactly these inputs.</summary>
    public static bool IsDone(string stageDir, string fingerprint, string markerFile = MarkerFile)
    {
        var marker = Path.Combine(stageDir, markerFile);
        if (!File.Exists(marker)) return false;
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(marker));
            return node?["fingerprint"]?.GetValue<string>() == fingerprint;
        }
        catch (JsonException)
        {
            return false; // a damaged marker means "not finished": the stage runs again
        }
    }

    /// <summary>Marks the stage finished; call only after every output file of the stage is in place.</summary>
    public static void MarkDone(string stageDir, string fingerprint, double seconds, string markerFile = MarkerFile) =>
        RunFiles.WriteJson(Path.Combine(stageDir, markerFile), new
        {
            Fingerprint = fingerprint,
            FinishedUtc = DateTime.UtcNow.ToString("O"),
            WallSeconds = Math.Round(seconds, 2),
        });

    /// <summary>Removes a stale marker before a stage (re)starts, so a crash mid-stage never looks finished.</summary>
    public static void Invalidate(string stageDir, string markerFile = MarkerFile)
    {
        var marker = Path.Combine(stageDir, markerFile);
        if (File.Exists(marker)) File.Delete(marker);
    }

    /// <summary>Copies every file of <paramref name="from"/> into <paramref name="to"/> (one level, overwriting).</summary>
    public static void CopyFiles(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }
}
