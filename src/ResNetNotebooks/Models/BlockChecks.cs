namespace ResNetNotebooks.Models;

/// <summary>Argument checks the bottleneck-shaped blocks share; every message names the block, the value and the fix.</summary>
internal static class BlockChecks
{
    /// <summary>Checks that every size is positive and that <paramref name="groups"/> divides <paramref name="width"/>.</summary>
    public static void Sizes(string owner, int inChannels, int width, int outChannels, int stride, int groups)
    {
        Guard.Positive(inChannels, owner, nameof(inChannels), "pass the number of channels of the block's input (e.g. 256)");
        Guard.Positive(width, owner, nameof(width), "pass the channels inside the bottleneck (e.g. 64)");
        Guard.Positive(outChannels, owner, nameof(outChannels), "pass the number of channels the block should output (e.g. 256)");
        Guard.Positive(stride, owner, nameof(stride), "use 1 to keep height and width or 2 to halve them");
        Guard.Positive(groups, owner, nameof(groups), "use 1 for an ordinary convolution or e.g. 32 for ResNeXt");
        if (width % groups != 0)
        {
            throw new ArgumentException(
                $"{owner}: groups = {groups} does not divide the bottleneck width {width}, so the grouped 3×3 convolution " +
                $"cannot split its channels evenly; use a width that is a multiple of {groups} (e.g. {groups * Math.Max(1, width / groups)}) or a divisor of {width} as groups.",
                nameof(groups));
        }
    }

    /// <summary>Checks that the identity shortcut fits a block from <paramref name="inChannels"/> to <paramref name="outChannels"/> with <paramref name="stride"/>.</summary>
    public static void IdentityFits(string owner, int inChannels, int outChannels, int stride)
    {
        if (inChannels != outChannels || stride != 1)
        {
            throw new ArgumentException(
                $"{owner} changes the shape (channels {inChannels} → {outChannels}, stride {stride}), so the identity " +
                "shortcut cannot be added; pass useProjection: true (a 1×1 conv) or a downsample module such as " +
                $"Shortcuts.Projection({inChannels}, {outChannels}, {stride}).",
                inChannels != outChannels ? nameof(outChannels) : nameof(stride));
        }
    }
}
