// Bookkeeping that lets the pipeline (`genrec run`, Pipeline.Run) resume: a stage folder counts as finished
// only when its stage.json marker exists and names the same inputs (a fingerprint of the resolved config of
// that stage and of the stages it reads). The marker is written last and atomically, so an interrupted stage
// is simply redone (or, for TIGER training, resumed from its last checkpoint by the trainer itself). A marker
// also records the SHA-256 of the stage's output files: one damaged or missing after the stage finished (or a
// damaged marker) makes the stage run again instead of feeding a wrong file to the next stage.
// Fingerprints also name the shared semantic-ID cache folders, so their text must not change: a changed
// fingerprint silently recomputes every cached stage.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenRec.Data;
using GenRec.IO;

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

    /// <summary>True when <paramref name="stageDir"/> finished earlier with exactly these inputs and its outputs are intact.</summary>
    public static bool IsDone(string stageDir, string fingerprint, string markerFile = MarkerFile) => Check(stageDir, fingerprint, markerFile).Done;

    /// <summary>
    /// Whether <paramref name="stageDir"/> finished with these inputs: its marker names <paramref name="fingerprint"/> and
    /// every output file the marker lists still has the SHA-256 recorded. <see cref="StageCheck.Problem"/> says why a
    /// finished-looking stage is not (damaged marker, missing or changed output); it is null for a stage that simply
    /// has not run, or ran with other inputs.
    /// </summary>
    public static StageCheck Check(string stageDir, string fingerprint, string markerFile = MarkerFile)
    {
        var marker = Path.Combine(stageDir, markerFile);
        if (!File.Exists(marker)) return new(false, null);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(marker));
        }
        catch (JsonException e)
        {
            return new(false, $"{marker} is damaged ({e.Message.Split(" Path:")[0]})");
        }
        if (node is not JsonObject obj || obj["fingerprint"] is not JsonValue value || !value.TryGetValue<string>(out var recorded))
            return new(false, $"{marker} is damaged (no \"fingerprint\" string)");
        if (recorded != fingerprint) return new(false, null);
        if (obj["files"] is null) return new(true, null);   // markers written before outputs were hashed
        if (obj["files"] is not JsonObject files) return new(false, $"{marker} is damaged (\"files\" is not an object)");
        foreach (var (name, hash) in files)
        {
            var path = Path.Combine(stageDir, name);
            if (hash is not JsonValue h || !h.TryGetValue<string>(out var expected)) return new(false, $"{marker} is damaged (no hash for {name})");
            if (!File.Exists(path)) return new(false, $"{path} is missing although {markerFile} lists it");
            if (FileHash.Sha256(path) != expected) return new(false, $"{path} is damaged (its SHA-256 differs from the one {markerFile} recorded)");
        }
        return new(true, null);
    }

    /// <summary>
    /// Marks the stage finished; call only after every output file of the stage is in place. <paramref name="outputs"/>
    /// (paths relative to <paramref name="stageDir"/>) are recorded with their SHA-256, so later damage is noticed.
    /// </summary>
    public static void MarkDone(string stageDir, string fingerprint, double seconds, string markerFile = MarkerFile, IEnumerable<string>? outputs = null)
    {
        var marker = new Dictionary<string, object>
        {
            ["fingerprint"] = fingerprint,
            ["finished_utc"] = DateTime.UtcNow.ToString("O"),
            ["wall_seconds"] = Math.Round(seconds, 2),
        };
        if (outputs is not null)
            marker["files"] = new SortedDictionary<string, string>(
                outputs.ToDictionary(f => f.Replace('\\', '/'), f => FileHash.Sha256(Path.Combine(stageDir, f))), StringComparer.Ordinal);
        RunFiles.WriteJson(Path.Combine(stageDir, markerFile), marker);
    }

    /// <summary>The files of a flat stage folder that a marker vouches for: all but markers and temporary files, by name.</summary>
    public static IReadOnlyList<string> OutputsOf(string stageDir) =>
        [.. Directory.EnumerateFiles(stageDir).Select(Path.GetFileName).OfType<string>()
            .Where(name => !IsMarker(name) && !name.EndsWith(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    static bool IsMarker(string name) => name == MarkerFile || name.EndsWith(".stage.json", StringComparison.Ordinal);

    /// <summary>
    /// Removes a stale marker before a stage (re)starts, so a crash mid-stage never looks finished, and the
    /// temporaries a killed writer left in the stage folder (<see cref="AtomicFile.RemoveLeftovers"/>: a run folder
    /// has one writer at a time, so none of them is live).
    /// </summary>
    public static void Invalidate(string stageDir, string markerFile = MarkerFile)
    {
        var marker = Path.Combine(stageDir, markerFile);
        if (File.Exists(marker)) File.Delete(marker);
        AtomicFile.RemoveLeftovers(stageDir);
    }

    /// <summary>
    /// Copies a finished stage folder <paramref name="from"/> into <paramref name="to"/> (one level, overwriting): each
    /// file through a temporary file and a rename, the marker last, so a copy killed half-way never looks finished.
    /// </summary>
    public static void CopyFiles(string from, string to, string markerFile = MarkerFile)
    {
        Directory.CreateDirectory(to);
        foreach (var name in OutputsOf(from).Where(n => n != markerFile))
            AtomicFile.Copy(Path.Combine(from, name), Path.Combine(to, name));
        var marker = Path.Combine(from, markerFile);
        if (File.Exists(marker)) AtomicFile.Copy(marker, Path.Combine(to, markerFile));
    }
}

/// <summary>What <see cref="RunStages.Check"/> found.</summary>
/// <param name="Done">The stage finished with these inputs and its recorded outputs are intact.</param>
/// <param name="Problem">Why a stage that looked finished is not (damaged marker, missing or changed output), else null.</param>
public sealed record StageCheck(bool Done, string? Problem);
