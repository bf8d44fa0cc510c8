using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>Option D's shortcut, apart from the reading path of ResNet-18 (<see cref="Shortcuts.For"/> decides when it is used).</summary>
public static partial class Shortcuts
{
    /// <summary>ResNet-D's shortcut: a stride×stride average pool, then a stride-1 projection, so every position counts; stride 1 is <see cref="Projection"/>.</summary>
    public static nn.Module<Tensor, Tensor> AveragePoolProjection(int inChannels, int outChannels, int stride = 2, bool batchNorm = false, bool bias = true)
    {
        Check.Block(new Check.Owner("AveragePoolProjection", inChannels, outChannels, stride), inChannels, outChannels, stride, identity: false);
        if (stride == 1)
        {
            return Projection(inChannels, outChannels, 1, batchNorm, bias);
        }

        // ceil_mode: an odd side H gives ⌈H / stride⌉ like the 3×3 branch; the partial window averages what it has.
        var pool = nn.AvgPool2d(kernel_size: stride, stride: stride, ceil_mode: true, count_include_pad: false);
        var conv = nn.Conv2d(inChannels, outChannels, kernel_size: 1, stride: 1, bias: bias);
        return batchNorm ? nn.Sequential(pool, conv, nn.BatchNorm2d(outChannels)) : nn.Sequential(pool, conv);
    }
}
