using System.Diagnostics;
using System.Globalization;
using ResNetNotebooks.Native;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Benchmarks;

/// <summary>
/// The chapter's PyTorch training step (<c>pytorch_step.py</c>) in a python3 child process that stays alive: each
/// <see cref="Pass"/> asks it for one timed pass over its prepared batches.
/// </summary>
internal sealed class PyTorchStep : IDisposable
{
    private readonly Process _process;

    public PyTorchStep(TrainingOptions options, int batches, int threads, bool tunedHeap)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     Script, I(options.ImageSize), I(options.BatchSize), I(batches), I(threads), D(options.LearningRate), D(options.Momentum),
                     D(options.WeightDecay), options.Nesterov ? "1" : "0",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        // The child must not inherit the parent's thread settings by accident: it gets the thread count as an argument.
        start.Environment.Remove("OMP_NUM_THREADS");
        if (tunedHeap)
        {
            start.Environment["MALLOC_MMAP_THRESHOLD_"] = I(NativeHeap.KeptBytes);
            start.Environment["MALLOC_TRIM_THRESHOLD_"] = I(NativeHeap.KeptBytes);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} did not start.");
        var ready = _process.StandardOutput.ReadLine();
        if (ready is null || !ready.StartsWith("ready", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Python} {Script} failed: {_process.StandardError.ReadToEnd()}");
        }
    }

    /// <summary>The interpreter: Debian's /usr/bin/python3 when present (where apt installs python3-torch), else
    /// python3 on the path.</summary>
    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private static string Script => Path.Combine(AppContext.BaseDirectory, "pytorch_step.py");

    /// <summary>Why the PyTorch columns cannot be measured here, or null when they can.</summary>
    public static string? Problem()
    {
        var (code, output) = Run("-c", "import torch; print(torch.__version__)");
        return code switch
        {
            null => $"no {Python} here (Debian: apt-get install python3-torch)",
            0 => null,
            _ => $"{Python} has no torch module (Debian: apt-get install python3-torch): {output.Trim().Split('\n')[^1]}",
        };
    }

    /// <summary>The interpreter and its torch version.</summary>
    public static string Describe() => $"{Python}, torch {Run("-c", "import torch; print(torch.__version__)").Output.Trim()}";

    /// <summary>One timed pass; images per second.</summary>
    public double Pass()
    {
        _process.StandardInput.WriteLine();
        _process.StandardInput.Flush();
        var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"{Script} ended: {_process.StandardError.ReadToEnd()}");
        return double.Parse(line, CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(30_000))
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private static (int? Code, string Output) Run(params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, "");
        }
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string D(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
