namespace ResNetNotebooks.Interop;

/// <summary>Whose parameter names a PyTorch state dict uses.</summary>
public enum PyTorchLayout
{
    /// <summary>
    /// d2l's <c>nn.Sequential</c> ResNet-18 (PyTorch edition): <c>0.0.weight</c> (the stem's convolution),
    /// <c>1.0.conv1.weight</c> (first block of the first stage), <c>2.0.conv3.weight</c> (a 1×1 projection),
    /// <c>7.weight</c> (the linear layer). Needs the library's d2l configuration: option B, conv biases, no batch norm
    /// on the projections.
    /// </summary>
    D2l,

    /// <summary>
    /// torchvision's <c>resnet18</c>: <c>conv1.weight</c>, <c>bn1.weight</c>, <c>layer1.0.conv1.weight</c>,
    /// <c>layer2.0.downsample.0.weight</c>, <c>fc.weight</c>. Needs the library's torchvision configuration: option B,
    /// no conv biases, batch norm on the projections.
    /// </summary>
    TorchVision,
}
