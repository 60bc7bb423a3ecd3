// RqVae as a module: seeded construction, encode/decode agree with forward in eval mode, shapes.
using GenRec.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tests.Quantization;

public class RqVaeModelTests
{
    [Fact]
    public void SameSeedSameWeights_DifferentSeedDifferentWeights()
    {
        using var a = new RqVae(RqVaeTrainerTests.TinyModel(seed: 3));
        using var b = new RqVae(RqVaeTrainerTests.TinyModel(seed: 3));
        using var c = new RqVae(RqVaeTrainerTests.TinyModel(seed: 4));
        var pa = a.parameters().ToList();
        var pb = b.parameters().ToList();
        var pc = c.parameters().ToList();
        Assert.Equal(pa.Count, pb.Count);
        Assert.All(pa.Zip(pb), p => Assert.True(TensorAssert.Same(p.First, p.Second)));
        Assert.Contains(pa.Zip(pc), p => !TensorAssert.Same(p.First, p.Second));
    }

    [Fact]
    public void DefaultShapesFollowThePaper()
    {
        using var model = new RqVae(new RqVaeConfig());
        var linears = model.Encoder.modules().OfType<TorchSharp.Modules.Linear>().Select(l => l.weight!.shape).ToList();
        Assert.Equal([[512L, 384L], [256L, 512L], [128L, 256L], [32L, 128L]], linears.Select(s => s.ToArray()));
        Assert.Equal(3, model.Quantizer.Levels);
        Assert.Equal([256L, 32L], model.Quantizer.Codebook(2).Embeddings.shape);
    }

    [Fact]
    public void EncodeAndDecodeAgreeWithForwardInEvalMode()
    {
        using var data = RqVaeTrainerTests.TinyData();
        using var model = new RqVae(RqVaeTrainerTests.TinyModel());
        model.InitializeCodebooks(data);
        model.eval();
        using var output = model.call(data);
        using var codes = model.Encode(data, batchSize: 64);    // batched path
        Assert.True(TensorAssert.Same(codes, output.Quantizer.Codes));
        using var decoded = model.Decode(codes);
        Assert.True(TensorAssert.Same(decoded, output.Reconstruction));
        Assert.Equal([200L, 16L], decoded.shape);
    }

    [Fact]
    public void EncodeLeavesTrainingModeAsItWas()
    {
        using var data = RqVaeTrainerTests.TinyData();
        using var model = new RqVae(RqVaeTrainerTests.TinyModel());
        model.InitializeCodebooks(data);
        model.train();
        using var codes = model.Encode(data);
        Assert.True(model.training);
        Assert.Equal(0, model.Quantizer.Steps);   // eval passes do not count as training steps
    }
}
