using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetNotebooks.Training;

/// <summary>Weight initialisations the recipes use.</summary>
public static class WeightInitialization
{
    /// <summary>
    /// d2l's <c>init_weights</c>: Xavier-uniform weights for every <c>Conv2d</c> and <c>Linear</c> module; biases
    /// and batch norm keep their defaults. Draws from torch's global generator (seed it first).
    /// </summary>
    /// <param name="model">The model to initialise in place.</param>
    /// <returns>How many weight tensors were initialised.</returns>
    public static int Xavier(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var count = 0;
        using (torch.no_grad())
        {
            foreach (var module in model.modules())
            {
                var weight = module switch
                {
                    Conv2d conv => conv.weight,
                    Linear linear => linear.weight,
                    _ => null,
                };
                if (weight is not null)
                {
                    nn.init.xavier_uniform_(weight);
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>
    /// torchvision's <c>resnet.py</c> initialisation (He et al. 2015): Kaiming-normal weights with the fan-out and
    /// ReLU's gain for every <c>Conv2d</c>, scale 1 and shift 0 for every <c>BatchNorm2d</c>; linear layers keep their
    /// default. Draws from torch's global generator (seed it first).
    /// </summary>
    /// <param name="model">The model to initialise in place.</param>
    /// <returns>How many convolution weights were initialised.</returns>
    public static int He(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var count = 0;
        using (torch.no_grad())
        {
            foreach (var module in model.modules())
            {
                switch (module)
                {
                    case Conv2d conv:
                        nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                        count++;
                        break;
                    case BatchNorm2d bn:
                        nn.init.ones_(bn.weight);
                        nn.init.zeros_(bn.bias);
                        break;
                }
            }
        }

        return count;
    }
}
