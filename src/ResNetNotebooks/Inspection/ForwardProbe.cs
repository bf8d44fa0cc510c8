using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Inspection;

/// <summary>
/// Runs one inference forward pass with forward hooks on chosen sub-modules, and leaves the model as it found it:
/// hooks removed, every module's training flag restored. Shared by <see cref="ModelSummary"/> and
/// <see cref="FeatureMaps"/>.
/// </summary>
internal static class ForwardProbe
{
    /// <summary>
    /// Every sub-module of <paramref name="root"/> in depth-first pre-order (the order of <c>print(model)</c>),
    /// with its qualified name (<c>b3.0.conv1</c>) and depth (1 for a child of the root).
    /// </summary>
    /// <param name="root">The model.</param>
    /// <returns>The sub-modules, the root excluded.</returns>
    public static IEnumerable<(string Name, nn.Module Module, int Depth)> Walk(nn.Module root) => Walk(root, "", 1);

    /// <summary>
    /// Runs <paramref name="model"/> on <paramref name="input"/> in eval mode without gradients, calling
    /// <paramref name="onOutput"/> with the name and output of each module of <paramref name="hooked"/> as it runs.
    /// </summary>
    /// <param name="model">The model; its training flags are restored afterwards, even when the forward throws.</param>
    /// <param name="input">The batch; the caller keeps ownership.</param>
    /// <param name="hooked">
    /// Modules to observe, by name. Only modules with a tensor-to-tensor <c>forward</c> can be hooked; others are
    /// skipped.
    /// </param>
    /// <param name="onOutput">
    /// Called inside the forward pass. The output tensor is freed when the pass ends: copy what you keep (shapes as
    /// <c>long[]</c>, or a clone detached from the dispose scope).
    /// </param>
    /// <returns>The shape of the model's output.</returns>
    public static long[] Run(
        nn.Module<Tensor, Tensor> model,
        Tensor input,
        IEnumerable<(string Name, nn.Module Module)> hooked,
        Action<string, Tensor> onOutput)
    {
        var trainingStates = new List<(nn.Module Module, bool Training)> { (model, model.training) };
        trainingStates.AddRange(Walk(model).Select(e => (e.Module, e.Module.training)));
        var removers = new List<Action>();
        try
        {
            foreach (var (name, module) in hooked)
            {
                if (module is nn.Module<Tensor, Tensor> m)
                {
                    var remover = m.register_forward_hook((_, _, output) =>
                    {
                        onOutput(name, output);
                        return output;
                    });
                    removers.Add(remover.remove);
                }
            }

            model.eval();
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var result = model.call(input);
            return result.shape;
        }
        finally
        {
            foreach (var remove in removers)
            {
                remove();
            }

            // train(flag) recurses into children, so restoring parents before children (pre-order) is exact.
            foreach (var (module, training) in trainingStates)
            {
                module.train(training);
            }
        }
    }

    private static IEnumerable<(string Name, nn.Module Module, int Depth)> Walk(nn.Module parent, string prefix, int depth)
    {
        foreach (var (name, child) in parent.named_children())
        {
            var qualified = prefix.Length == 0 ? name : $"{prefix}.{name}";
            yield return (qualified, child, depth);
            foreach (var entry in Walk(child, qualified, depth + 1))
            {
                yield return entry;
            }
        }
    }
}
