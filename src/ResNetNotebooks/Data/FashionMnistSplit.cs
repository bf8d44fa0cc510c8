namespace ResNetNotebooks.Data;

/// <summary>Which part of Fashion-MNIST to load: the 60,000 training images or the 10,000 test images.</summary>
public enum FashionMnistSplit
{
    /// <summary>The training set (files <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>).</summary>
    Train,

    /// <summary>The test set (files <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>).</summary>
    Test,
}
