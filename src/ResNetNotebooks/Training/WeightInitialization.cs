using TorchSharp;
using ResNetNotebooks.Models;
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

    /// <summary>
    /// Starts every block of <paramref name="model"/> at (or toward) the identity, after the ordinary initialisation:
    /// <list type="bullet">
    /// <item>a <see cref="Residual"/> block's last batch-norm scale (<c>bn2.weight</c>; <c>bn3.weight</c> in a
    /// <see cref="Bottleneck"/>, with or without groups) is set to 0, so its branch outputs 0 and the block outputs
    /// ReLU(0 + x) = x (torchvision's <c>zero_init_residual</c>, Goyal et al. 2017);</item>
    /// <item>a <see cref="PlainBlock"/>, which has no shortcut, gets a Dirac (identity) kernel in its second convolution
    /// (<c>conv2</c>, always as many channels in as out, stride 1), so its second half passes its input on up to batch
    /// norm and ReLU. Its first convolution keeps its random weights: it may change channels and stride.</item>
    /// </list>
    /// Pre-activation blocks end in a convolution, not a batch norm, and are left alone.
    /// </summary>
    /// <param name="model">The model to change in place.</param>
    /// <returns>How many blocks were changed.</returns>
    /// <exception cref="ArgumentException">A residual block has no batch norm to zero (built with BatchNorm = false).</exception>
    public static int IdentityStart(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var count = 0;
        using (torch.no_grad())
        {
            // named_modules() leaves out the model itself, which may be a single block.
            foreach (var (name, module) in model.named_modules().Prepend((name: "(the model)", module: model)))
            {
                var last = module switch
                {
                    Residual => "bn2",
                    Bottleneck => "bn3",
                    PlainBlock => "conv2",
                    _ => null,
                };
                if (last is null)
                {
                    continue;
                }

                var child = module.named_children().Single(c => c.name == last).module;
                switch (child)
                {
                    case BatchNorm2d bn:
                        nn.init.zeros_(bn.weight);
                        break;
                    case Conv2d conv:
                        nn.init.dirac_(conv.weight);
                        break;
                    default:
                        throw new ArgumentException(
                            $"IdentityStart: block {name} has no batch norm after its last convolution ({last} is {child.GetType().Name}), " +
                            "so its branch cannot be zeroed by its scale; build the network with BatchNorm = true or leave IdentityInit off.",
                            nameof(model));
                }

                count++;
            }
        }

        return count;
    }
}
