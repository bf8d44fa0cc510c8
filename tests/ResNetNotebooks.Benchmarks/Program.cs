using System.Globalization;
using ResNetNotebooks.Benchmarks;
using ResNetNotebooks.Data;
using ResNetNotebooks.Native;
using ResNetNotebooks.Training;
using static TorchSharp.torch;

// One ResNet-18 training step (d2l's network: one input channel, ten classes), measured side by side on this machine:
//   trainer fp32   the library's Trainer, Precision.Fp32, one epoch of N batches per repetition (Trainer.FitUntil; its
//                  own clock: training time of the epoch, data loading and resizing included, evaluation excluded)
//   trainer bf16   the same with Precision.Bf16 (bf16 passes, fp32 master weights, batch norm and loss)
//   bare loop      the textbook TorchSharp step (zero_grad, forward, cross-entropy, backward, step) in a dispose scope,
//                  fp32, on batches prepared beforehand
//   PyTorch        the chapter's PyTorch code and step (pytorch_step.py) in a python3 child process with the same shapes,
//                  optimizer settings and thread count, as a learner runs it (the C library's allocator defaults)
//   PyTorch, heap  the same process started with the allocator settings this library makes in-process
//                  (MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ at NativeHeap.KeptBytes; see NativeHeap)
// Every repetition measures each column once, in this order, on the same number of images and on one thread, so a busy
// neighbour slows them alike; one pass of each before the first repetition is warm-up and not counted. The table gives medians,
// min–max and ratios, for 28×28 at batch 256 and 96×96 at batch 64 (the chapter's size, a batch a laptop holds).
//
// Usage (Release, from the repository root):
//   dotnet run -c Release --project tests/ResNetNotebooks.Benchmarks -- [--reps N] [--batches N] [--sizes 28:256,96:64]
//                                                                       [--threads N] [--no-python] [--bare-gc]
//   --bare-gc   adds a column: the bare loop plus the trainer's NativeGarbage.Collect() after every step.
//   --columns   only these columns, e.g. --columns "trainer fp32,bare loop" (names as in the table).
//   RESNET_NATIVE_HEAP=default in the environment keeps the C library's allocator defaults in this process (NativeHeap).

var reps = Arg("--reps", 5);
var batches = Arg("--batches", 4);
var threads = Arg("--threads", Environment.ProcessorCount);
var sizes = (ArgText("--sizes") ?? "28:256,96:64").Split(',').Select(s => s.Split(':')).Select(p => (Size: int.Parse(p[0], CultureInfo.InvariantCulture), Batch: int.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
var python = !args.Contains("--no-python");
var only = ArgText("--columns")?.Split(',').ToHashSet(); // e.g. "trainer fp32,bare loop"; all by default
var bareGc = args.Contains("--bare-gc");

TorchNative.EnsureLoadable();
NativeHeap.KeepFreedMemory();
Compute.SetThreads(threads);
var cpu = CpuFeatures.Current;
Console.WriteLine($"CPU: {CpuModel()}; flags: {cpu}; {Environment.ProcessorCount} logical cores; {get_num_threads()} torch threads; {Compute.Device}");
Console.WriteLine($"TorchSharp libtorch {__version__}; native heap: {(NativeHeap.IsTuned ? $"mmap and trim thresholds {NativeHeap.KeptBytes >> 20} MiB (NativeHeap)" : "the C library's defaults")}; " +
                  PrecisionChoice.DescribeAuto(cpu));
var pythonProblem = python ? PyTorchStep.Problem() : "not asked for (--no-python)";
if (pythonProblem is not null)
{
    Console.WriteLine($"PyTorch columns skipped: {pythonProblem}");
}
else
{
    Console.WriteLine($"PyTorch: {PyTorchStep.Describe()}");
}

Console.WriteLine($"{reps} interleaved repetitions of {batches} batches per column; images/s of training.");
using var data = TrainTestData.Load(TrainingData.Subset);
var summary = new List<string>();
foreach (var (size, batch) in sizes)
{
    var options = TrainingProfiles.Quick with
    {
        Epochs = reps + 1, BatchSize = batch, ImageSize = size, TrainImages = batches * batch, TestImages = batch, Profile = "benchmark",
    };
    Console.WriteLine();
    Console.WriteLine($"ResNet-18 at {size}×{size}, batch {batch} (tuned recipe's optimizer: SGD, Nesterov momentum 0.9, weight decay 5e-4):");
    var columns = new List<(string Name, Func<double> Measure, IDisposable? Owner)>();
    var fp32 = new Trainer(options, () => ResNetNotebooks.Models.ResNet.ResNet18(), data.Train, data.Test);
    var bf16 = new Trainer(options with { Precision = Precision.Bf16 }, () => ResNetNotebooks.Models.ResNet.ResNet18(), data.Train, data.Test);
    var bare = new BareLoop(options, data.Train, batches);
    columns.Add(("trainer fp32", () => NextEpoch(fp32), fp32));
    columns.Add(("trainer bf16", () => NextEpoch(bf16), bf16));
    columns.Add(("bare loop", () => bare.Pass(collect: false), bare));
    if (bareGc)
    {
        columns.Add(("bare + GC", () => bare.Pass(collect: true), null));
    }

    if (pythonProblem is null)
    {
        var plain = new PyTorchStep(options, batches, threads, tunedHeap: false);
        var tuned = new PyTorchStep(options, batches, threads, tunedHeap: true);
        columns.Add(("PyTorch", plain.Pass, plain));
        columns.Add(("PyTorch, heap", tuned.Pass, tuned));
    }

    var owners = columns.Select(c => c.Owner).OfType<IDisposable>().ToList();
    if (only is not null)
    {
        columns = columns.Where(c => only.Contains(c.Name)).ToList();
    }

    var results = columns.ToDictionary(c => c.Name, _ => new List<double>());
    for (var rep = 0; rep <= reps; rep++)
    {
        var line = rep == 0 ? "  warm-up" : $"  rep {rep,2}  ";
        foreach (var (name, measure, _) in columns)
        {
            var speed = measure();
            if (rep > 0)
            {
                results[name].Add(speed);
            }

            line += string.Create(CultureInfo.InvariantCulture, $"  {name} {speed,7:F1}");
        }

        Console.WriteLine(line);
    }

    foreach (var owner in owners)
    {
        owner.Dispose();
    }

    var table = Table.Format(size, batch, results, "trainer fp32", results.ContainsKey("PyTorch") ? "PyTorch" : null);
    Console.WriteLine(table);
    summary.Add(table);
}

Console.WriteLine();
Console.WriteLine("Summary (medians [min–max] images/s; ratios of medians):");
foreach (var table in summary)
{
    Console.WriteLine(table);
}

return 0;

// One more epoch of the trainer (all columns run on this thread, in turn); its images/s of training time.
static double NextEpoch(Trainer trainer) => trainer.FitUntil(trainer.CompletedEpochs + 1)[^1].ExamplesPerSecond;

int Arg(string name, int fallback) => ArgText(name) is { } text && int.TryParse(text, out var v) && v > 0 ? v : fallback;

string? ArgText(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string CpuModel()
{
    try
    {
        return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
    }
    catch (IOException)
    {
        return "unknown";
    }
}
