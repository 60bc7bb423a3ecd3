using TorchSharp;
Console.WriteLine(GenRec.TorchDevice.Pick());
using var x = torch.randn(3, 4);
Console.WriteLine(x.sum().item<float>());
