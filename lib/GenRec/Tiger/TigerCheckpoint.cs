// Checkpoint file of a stage-2 training run (either model kind): everything needed to continue exactly where
// it stopped. Layout (BinaryWriter, little-endian), version 3:
//   "GenRec.Tiger.Checkpoint" | version | model kind | model config (JSON) | trainer config (JSON) |
//   data fingerprint | step | best Recall@10 | best step | validations since best |
//   model state (TorchSharp Module.save) | optimizer state (AdamW moments and step counts, in the layout of
//   TorchSharp's AdamW.save_state_dict, which KeptAdamW keeps) | SHA-256 of all bytes before it | end marker
// Version 1 (before the decoder-only variant) had no model kind: it is read as an encoder-decoder. Version 2
// had no SHA-256. The hash is checked before anything is loaded, so a damaged file (a flipped bit, a bad copy)
// is refused naming the file, never loaded as wrong weights and never handed to TorchSharp's native reader.
// There is no RNG state to store: all randomness is derived from (seed, step) (see SeedMixer), and the
// seed is part of the trainer config. Files are written to a temporary name and then moved over the
// target, so a crash leaves either the old or the new checkpoint, never a torn one; the end marker is
// checked before anything is loaded.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;
using GenRec.IO;

namespace GenRec.Tiger;

/// <summary>Reading and writing TIGER checkpoints.</summary>
public static class TigerCheckpoint
{
    const string Magic = "GenRec.Tiger.Checkpoint";
    const int Version = 3;
    const int HashLength = 32;   // SHA-256
    const long EndMarker = 0x5449474552454E44;   // "TIGEREND"

    internal sealed record Header(
        string ModelKind, string ModelConfig, TigerTrainerConfig Trainer, long DataFingerprint,
        int Step, double BestRecall10, int BestStep, int ValidationsSinceBest);

    /// <summary>The model's configuration record as the checkpoint stores it (JSON).</summary>
    internal static string ModelConfigJson(IGenerativeRetriever model) => model switch
    {
        TigerModel m => JsonSerializer.Serialize(m.Config),
        DecoderOnlyModel m => JsonSerializer.Serialize(m.Config),
        _ => throw new ArgumentException($"No checkpoint format for {model.GetType().Name}."),
    };

    internal static void Save(string path, Header header, TorchSharp.torch.nn.Module model, GenRec.Training.KeptOptimizer optimizer)
    {
        AtomicFile.Write(path, stream =>
        {
            using var hashing = new HashingStream(stream);
            using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
                WritePayload(writer);
            stream.Write(hashing.HashAndReset());
            Span<byte> end = stackalloc byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(end, EndMarker);
            stream.Write(end);
        });

        void WritePayload(BinaryWriter writer)
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(header.ModelKind);
            writer.Write(header.ModelConfig);
            writer.Write(JsonSerializer.Serialize(header.Trainer));
            writer.Write(header.DataFingerprint);
            writer.Write(header.Step);
            writer.Write(header.BestRecall10);
            writer.Write(header.BestStep);
            writer.Write(header.ValidationsSinceBest);
            model.save(writer);
            optimizer.SaveState(writer);
        }
    }

    /// <summary>Reads and checks the header; the reader is left at the model state.</summary>
    internal static Header ReadHeader(string path, BinaryReader reader)
    {
        try
        {
            var stream = reader.BaseStream;
            if (stream.Length < sizeof(long) + Magic.Length)
                throw new InvalidDataException($"{path}: file of {stream.Length} bytes is too short to be a TIGER checkpoint.");
            stream.Seek(-sizeof(long), SeekOrigin.End);
            var end = reader.ReadInt64();
            stream.Seek(0, SeekOrigin.Begin);
            if (reader.ReadString() != Magic)
                throw new InvalidDataException($"{path}: not a TIGER checkpoint (expected the header '{Magic}').");
            if (end != EndMarker)
                throw new InvalidDataException($"{path}: checkpoint is truncated (end marker missing).");
            var version = reader.ReadInt32();
            if (version is not (1 or 2 or Version))
                throw new InvalidDataException($"{path}: checkpoint version {version}; this build reads versions 1 to {Version}.");
            if (version >= 3) CheckHash(path, stream);
            var kind = version == 1 ? ModelKinds.EncoderDecoder : ModelKinds.Check(reader.ReadString());
            var modelConfig = reader.ReadString();
            if (version == 1) modelConfig = JsonSerializer.Serialize(JsonSerializer.Deserialize<TigerConfig>(modelConfig)); // today's field set
            var trainer = JsonSerializer.Deserialize<TigerTrainerConfig>(reader.ReadString())!;
            return new Header(kind, modelConfig, trainer, reader.ReadInt64(), reader.ReadInt32(), reader.ReadDouble(), reader.ReadInt32(), reader.ReadInt32());
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: checkpoint header is truncated.", e);
        }
    }

    /// <summary>
    /// Compares the SHA-256 stored before the end marker with the hash of every byte before it, then puts the stream
    /// back where it was (after the version).
    /// </summary>
    static void CheckHash(string path, Stream stream)
    {
        var resume = stream.Position;
        var payload = stream.Length - HashLength - sizeof(long);
        if (payload < resume) throw new InvalidDataException($"{path}: checkpoint is truncated (no room for its SHA-256).");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        stream.Seek(0, SeekOrigin.Begin);
        for (var left = payload; left > 0;)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read <= 0) throw new InvalidDataException($"{path}: checkpoint is truncated.");
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
        var stored = new byte[HashLength];
        stream.ReadExactly(stored);
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(stored))
            throw new InvalidDataException($"{path}: checkpoint is damaged (its bytes do not match the SHA-256 written with them).");
        stream.Seek(resume, SeekOrigin.Begin);
    }

    /// <summary>The model saved in a checkpoint (for inference), on the CPU: a <see cref="TigerModel"/> or a <see cref="DecoderOnlyModel"/>.</summary>
    public static IGenerativeRetriever LoadModel(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var header = ReadHeader(path, reader);
        IGenerativeRetriever model = header.ModelKind == ModelKinds.DecoderOnly
            ? new DecoderOnlyModel(JsonSerializer.Deserialize<DecoderOnlyConfig>(header.ModelConfig)!)
            : new TigerModel(JsonSerializer.Deserialize<TigerConfig>(header.ModelConfig)!);
        model.Module.load(reader);
        return model;
    }
}
