using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>What the stage builder decided about one block; a block factory passed to
/// <see cref="ResNet"/> receives it, so that a block written in a notebook (06's exercise) becomes a whole network.</summary>
/// <param name="InChannels">Channels of the block's input.</param>
/// <param name="OutChannels">Channels of the block's output.</param>
/// <param name="Width">Channels inside the block: the bottleneck width, or the output channels for a basic block.</param>
/// <param name="Stride">2 for the first block of every stage but the first, else 1.</param>
/// <param name="Groups">Groups of the 3×3 convolution (1 except in ResNeXt).</param>
/// <param name="Bias">Whether the convolutions get a bias (<see cref="ResNetConfig.ConvBias"/>).</param>
/// <param name="Downsample">The shortcut module the config's option prescribes; <c>null</c> for the identity (or none).</param>
/// <param name="HasShortcut"><c>false</c> in a plain network (<see cref="ShortcutOption.None"/>).</param>
/// <param name="BatchNorm"><c>false</c> when the config turns batch norm off.</param>
public sealed record BlockSpec(
    int InChannels, int Width, int OutChannels, int Stride, int Groups, bool Bias,
    nn.Module<Tensor, Tensor>? Downsample, bool HasShortcut = true, bool BatchNorm = true);
