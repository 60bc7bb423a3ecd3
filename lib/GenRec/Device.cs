// Picks the torch device at run time: CUDA when this build carries a CUDA LibTorch and a GPU is present,
// else CPU. Nothing else in the library hard-codes a device.
using TorchSharp;

namespace GenRec;

public static class TorchDevice
{
    /// <summary>"cuda" when available, else "cpu"; an explicit choice ("cpu", "cuda", "cuda:1") wins.</summary>
    public static torch.Device Pick(string? requested = null)
    {
        if (!string.IsNullOrWhiteSpace(requested) && requested != "auto") return new torch.Device(requested);
        return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
    }
}
