namespace ResNetNotebooks.Data;

/// <summary>Lays images out class-interleaved: position i holds image i / 10 of class i mod 10, so labels run
/// 0, 1, ..., 9, 0, 1, ... The converted full dataset and the shipped subset both use this order.</summary>
internal static class ClassInterleaving
{
    /// <summary>Takes <paramref name="take"/> images of every class, starting at <paramref name="start"/> in each
    /// class's list, and interleaves them.</summary>
    /// <param name="perClass">Images of each class (index = label), each <paramref name="rows"/> × <paramref name="columns"/> bytes.</param>
    /// <param name="start">Index of the first image to take in each class's list.</param>
    /// <param name="take">Images to take per class.</param>
    /// <param name="rows">Image height.</param>
    /// <param name="columns">Image width.</param>
    public static (IdxImages Images, byte[] Labels) Interleave(
        IReadOnlyList<IReadOnlyList<byte[]>> perClass, int start, int take, int rows, int columns)
    {
        int classes = perClass.Count;
        int imageLength = rows * columns;
        var pixels = new byte[(long)classes * take * imageLength];
        var labels = new byte[classes * take];
        for (int k = 0; k < take; k++)
        {
            for (int label = 0; label < classes; label++)
            {
                int position = k * classes + label;
                perClass[label][start + k].CopyTo(pixels, (long)position * imageLength);
                labels[position] = (byte)label;
            }
        }

        return (new IdxImages(classes * take, rows, columns, pixels), labels);
    }
}
