using ResNetNotebooks.Cli;

// resnet-cli: train a ResNet on Fashion-MNIST from the command line, or fetch the full dataset. See resnet-cli --help.
return CliApp.Run(args, Console.Out, Console.Error);
