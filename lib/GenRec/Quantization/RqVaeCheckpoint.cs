// Saving and loading a trained RQ-VAE: TorchSharp's module.save for the weights (codebooks and their
// "initialized" flags included) plus a JSON sidecar "<path>.json" with the RqVaeConfig needed to rebuild
// the module. Both files are written to temporary names and moved into place, so a crash never leaves a
// half-written checkpoint. Reloading reproduces identical codes.
using System.Text.Json;
using TorchSharp;
using GenRec.IO;

namespace GenRec.Quantization;

/// <summary>Atomic save / load of <see cref="RqVae"/> models.</summary>
public static class RqVaeCheckpoint
{
    private const string Format = "genrec.rqvae.v1";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private sealed record Sidecar(string Format, RqVaeConfig Config);

    /// <summary>The sidecar path for weights at <paramref name="path"/>.</summary>
    public static string SidecarPath(string path) => path + ".json";

    /// <summary>Writes weights to <paramref name="path"/> and the config to <c>path + ".json"</c>.</summary>
    public static void Save(RqVae model, string path)
    {
        // Two files, each atomic: the weights, then the config that describes them.
        AtomicFile.WriteBinary(path, writer => model.save(writer));
        AtomicFile.WriteText(SidecarPath(path), JsonSerializer.Serialize(new Sidecar(Format, model.Config), Json));
    }

    /// <summary>Rebuilds the model from the sidecar config and loads its weights; returned in eval mode.</summary>
    public static RqVae Load(string path, string? device = null)
    {
        string sidecar = SidecarPath(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"RQ-VAE weights not found: {path}", path);
        if (!File.Exists(sidecar)) throw new FileNotFoundException($"RQ-VAE config sidecar not found: {sidecar} (written next to the weights by RqVaeCheckpoint.Save).", sidecar);
        Sidecar? meta;
        try
        {
            meta = JsonSerializer.Deserialize<Sidecar>(File.ReadAllText(sidecar), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sidecar}: line {e.LineNumber + 1}: not a valid RQ-VAE sidecar ({e.Message}).", e);
        }
        if (meta?.Format != Format || meta.Config is null)
            throw new InvalidDataException($"{sidecar}: expected format \"{Format}\" with a \"Config\" object, found format \"{meta?.Format}\".");

        var model = new RqVae(meta.Config);
        try
        {
            model.load(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new InvalidDataException($"{path}: weights do not match the sidecar's config ({e.Message}).", e);
        }
        model.to(TorchDevice.Pick(device));
        model.eval();
        return model;
    }
}
