// Checkpoint file of a SASRec model: configuration, where it came from (epoch, validation Recall@10) and
// the weights. Layout (BinaryWriter, little-endian):
//   "GenRec.SasRec.Checkpoint" | version | model config (JSON) | trainer config (JSON) | epoch |
//   validation Recall@10 | model state (TorchSharp Module.save) | end marker
// Written to a temporary name in the same folder and moved over the target, so a crash leaves the old or
// the new file, never a torn one; the end marker is checked before anything is loaded. The optimizer
// state is not stored: the checkpoint is for evaluation and inference, not for resuming.
using System.Text;
using System.Text.Json;
using GenRec.IO;

namespace GenRec.SasRec;

/// <summary>What a checkpoint says about itself.</summary>
/// <param name="Model">Model configuration.</param>
/// <param name="Trainer">Trainer configuration of the run that produced it.</param>
/// <param name="Epoch">Epochs trained when it was written.</param>
/// <param name="ValidationRecall10">Validation Recall@10 of these weights (−1: not validated).</param>
public sealed record SasRecCheckpointInfo(SasRecConfig Model, SasRecTrainerConfig Trainer, int Epoch, double ValidationRecall10);

/// <summary>Reading and writing SASRec checkpoints.</summary>
public static class SasRecCheckpoint
{
    const string Magic = "GenRec.SasRec.Checkpoint";
    const int Version = 1;
    const long EndMarker = 0x444E45434552534C;   // "LSRECEND"

    /// <summary>Writes <paramref name="model"/> and <paramref name="info"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, SasRecModel model, SasRecCheckpointInfo info)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(info);
        if (info.Model != model.Config) throw new ArgumentException("Checkpoint info describes a different model configuration.", nameof(info));
        AtomicFile.WriteBinary(path, writer =>
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(JsonSerializer.Serialize(info.Model));
            writer.Write(JsonSerializer.Serialize(info.Trainer));
            writer.Write(info.Epoch);
            writer.Write(info.ValidationRecall10);
            model.save(writer);
            writer.Write(EndMarker);
        });
    }

    /// <summary>The header of a checkpoint, checked for magic, version and completeness.</summary>
    public static SasRecCheckpointInfo ReadInfo(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        return ReadHeader(path, reader);
    }

    /// <summary>The model saved in a checkpoint, on the CPU, in evaluation mode.</summary>
    public static SasRecModel Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var info = ReadHeader(path, reader);
        var model = new SasRecModel(info.Model);
        model.load(reader);
        model.eval();
        return model;
    }

    static SasRecCheckpointInfo ReadHeader(string path, BinaryReader reader)
    {
        try
        {
            var stream = reader.BaseStream;
            if (stream.Length < sizeof(long) + Magic.Length)
                throw new InvalidDataException($"{path}: file of {stream.Length} bytes is too short to be a SASRec checkpoint.");
            stream.Seek(-sizeof(long), SeekOrigin.End);
            var end = reader.ReadInt64();
            stream.Seek(0, SeekOrigin.Begin);
            if (reader.ReadString() != Magic)
                throw new InvalidDataException($"{path}: not a SASRec checkpoint (expected the header '{Magic}').");
            if (end != EndMarker)
                throw new InvalidDataException($"{path}: checkpoint is truncated (end marker missing).");
            var version = reader.ReadInt32();
            if (version != Version)
                throw new InvalidDataException($"{path}: checkpoint version {version}; this build reads version {Version}.");
            var model = JsonSerializer.Deserialize<SasRecConfig>(reader.ReadString())!;
            var trainer = JsonSerializer.Deserialize<SasRecTrainerConfig>(reader.ReadString())!;
            return new SasRecCheckpointInfo(model, trainer, reader.ReadInt32(), reader.ReadDouble());
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new InvalidDataException($"{path}: checkpoint header is unreadable ({e.Message}).", e);
        }
    }
}
