using ResNetNotebooks.Cli;
using ResNetNotebooks.Native;

// resnet-cli: train a ResNet on Fashion-MNIST from the command line, or fetch the full dataset. See resnet-cli --help.
// Process-wide settings first: the C allocator keeps freed activations for the next training step (NativeHeap).
NativeHeap.KeepFreedMemory();
return CliApp.Run(args, Console.Out, Console.Error);
