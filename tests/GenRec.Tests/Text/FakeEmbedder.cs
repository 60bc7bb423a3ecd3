// A deterministic stand-in for a sentence encoder, so cache tests run in milliseconds: each text maps to a
// unit vector derived from its SHA-256, of any width (never 384, to prove nothing assumes MiniLM's width).
using System.Security.Cryptography;
using System.Text;
using GenRec.Text;

namespace GenRec.Tests.Text;

internal sealed class FakeEmbedder(int dimension = 5, string modelId = "fake") : ITextEmbedder
{
    public string ModelId { get; } = $"{modelId}-{dimension}";
    public int Dimension { get; } = dimension;
    public int Calls { get; private set; }
    public int TextsEmbedded { get; private set; }

    public float[] Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        Calls++;
        var result = new float[texts.Count * Dimension];
        for (int i = 0; i < texts.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var row = result.AsSpan(i * Dimension, Dimension);
            byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(texts[i]));
            for (int j = 0; j < Dimension; j++) row[j] = hash[j % hash.Length] / 255f - 0.5f + (j == 0 ? 1e-3f : 0);
            double norm = 0;
            foreach (float v in row) norm += v * v;
            for (int j = 0; j < Dimension; j++) row[j] = (float)(row[j] / Math.Sqrt(norm));
            progress?.Report(i + 1);
        }
        TextsEmbedded += texts.Count;
        return result;
    }
}
