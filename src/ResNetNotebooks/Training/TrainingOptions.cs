using System.Text.Json.Serialization;
using ResNetNotebooks.Data;

namespace ResNetNotebooks.Training;

/// <summary>Which Fashion-MNIST images a run trains and tests on.</summary>
public enum TrainingData
{
    /// <summary>The subset shipped in the repository: 10,000 training and 2,000 test images.</summary>
    Subset,

    /// <summary>The full dataset in <c>data/fashion-mnist/</c>: 60,000 training and 10,000 test images (fetched by
    /// <see cref="Data.FashionMnist.FetchCommand"/>).</summary>
    Full,
}

/// <summary>How the learning rate moves during a run.</summary>
public enum LearningRateSchedule
{
    /// <summary>The same rate for every batch (d2l's <c>train_ch6</c>).</summary>
    Constant,

    /// <summary>
    /// The one-cycle policy (Smith &amp; Topin, "Super-Convergence", 2019), stepped after every batch: a cosine warm-up from
    /// peak / 25 to the peak over the first 30% of the steps, then a cosine decay to peak / 250,000
    /// (PyTorch's and TorchSharp's <c>OneCycleLR</c> defaults; momentum cycles only with
    /// <see cref="TrainingOptions.CycleMomentum"/>).
    /// </summary>
    OneCycle,
}

/// <summary>How the weights of convolutions and linear layers start.</summary>
public enum WeightInit
{
    /// <summary>Xavier (Glorot) uniform, as d2l's <c>train_ch6</c> does; biases keep their default.</summary>
    Xavier,

    /// <summary>TorchSharp's default (Kaiming uniform with a = √5, as PyTorch).</summary>
    Default,

    /// <summary>
    /// He (Kaiming) normal with the fan-out and ReLU's gain, weights ~ N(0, 2 / (k² · out channels)) for convolutions
    /// (He et al. 2015, used by the ResNet paper, §3.4; torchvision's <c>resnet.py</c> does the same); batch norm's
    /// scale 1 and shift 0; linear layers keep their default.
    /// </summary>
    He,
}

/// <summary>The two optimisation recipes the training notebook compares.</summary>
public enum TrainingRecipe
{
    /// <summary>d2l's <c>train_ch6</c>: plain SGD, learning rate 0.05, constant, no momentum, no weight decay, every
    /// batch kept.</summary>
    D2l,

    /// <summary>SGD with Nesterov momentum 0.9 and weight decay 5e-4, one-cycle schedule peaking at 0.1, a smaller last
    /// batch skipped.</summary>
    Tuned,
}

/// <summary>
/// Everything that decides a training run: data, image size, epochs, batch size, the optimiser's hyper-parameters,
/// schedule, initialisation, precision and seed. Start from a profile (<see cref="TrainingProfiles"/>) and override with
/// <c>with</c>; two runs with equal options on the same machine produce the same numbers.
/// The defaults of a new instance are neutral: plain SGD (no momentum, no weight decay, a constant rate, every batch
/// kept), which is d2l's <c>train_ch6</c>. The tuned recipe is applied in one place, <see cref="WithRecipe"/>.
/// </summary>
/// <example>
/// <code>
/// var options = TrainingProfiles.Quick with { Epochs = 3, Seed = 1 };
/// var d2lAt28 = TrainingProfiles.Quick.WithRecipe(TrainingRecipe.D2l);   // the recipe that fails at 28×28
/// </code>
/// </example>
public sealed record TrainingOptions
{
    /// <summary>The profile these options came from (for display and file names), e.g. "quick".</summary>
    public string Profile { get; init; } = "custom";

    /// <summary>Which images to train and test on.</summary>
    public TrainingData Data { get; init; } = TrainingData.Subset;

    /// <summary>Side of the square images the network sees: 28 (stored size) or larger, e.g. 96 as in d2l.</summary>
    public int ImageSize { get; init; } = 28;

    /// <summary>
    /// Skip each epoch's last training batch when it is smaller than <see cref="BatchSize"/> (PyTorch's
    /// <c>drop_last</c>). d2l keeps it; with 10,000 images and batch size 256 it holds 16 images, too few for batch
    /// norm's statistics, and its step can throw the network back (a new shuffle puts other images there each epoch).
    /// </summary>
    public bool DropLast { get; init; }

    /// <summary>Passes over the training images.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Images per batch, for training and evaluation (d2l: 256).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>The learning rate: the constant rate, or the one-cycle schedule's peak (default 0.05, d2l's).</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>SGD momentum (0: none).</summary>
    public double Momentum { get; init; }

    /// <summary>Use Nesterov's momentum (needs <see cref="Momentum"/> &gt; 0).</summary>
    public bool Nesterov { get; init; }

    /// <summary>
    /// With the one-cycle schedule, move the momentum against the learning rate, from
    /// <see cref="Momentum"/> + 0.05 down to <see cref="Momentum"/> − 0.05 at the peak rate and back (for 0.9: PyTorch's
    /// <c>OneCycleLR</c> defaults, 0.95 and 0.85). Off in both recipes: with <see cref="DropLast"/> the tuned recipe was
    /// as stable with a constant 0.9 and a little more accurate.
    /// </summary>
    public bool CycleMomentum { get; init; }

    /// <summary>How far <see cref="CycleMomentum"/> moves the momentum either side of <see cref="Momentum"/>.</summary>
    public const double MomentumCycleHalfWidth = 0.05;

    /// <summary>L2 penalty added to the gradients by SGD (0: none).</summary>
    public double WeightDecay { get; init; }

    /// <summary>How the learning rate moves.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>How conv and linear weights start.</summary>
    public WeightInit Init { get; init; } = WeightInit.Xavier;

    /// <summary>
    /// After <see cref="Init"/>, start every block at (or toward) the identity with
    /// <see cref="WeightInitialization.IdentityStart"/>: a residual block's last batch-norm scale γ = 0 (torchvision's
    /// <c>zero_init_residual</c>), a plain block's second convolution a Dirac (identity) kernel. Off by default, as in
    /// the paper.
    /// </summary>
    public bool IdentityInit { get; init; }

    /// <summary>The number format of the forward and backward passes (default fp32; see <see cref="PrecisionChoice.Auto(int)"/>
    /// for the machine's best).</summary>
    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>Seed of the weights' initialisation and of the training order.</summary>
    public int Seed { get; init; }

    /// <summary>Use only the first N training images (null: all), e.g. for a smoke run.</summary>
    public int? TrainImages { get; init; }

    /// <summary>Use only the first N test images (null: all).</summary>
    public int? TestImages { get; init; }

    /// <summary>The largest <see cref="ImageSize"/> accepted: 512, about 2.3 times ImageNet's 224 (at 512 one batch of
    /// 256 images already needs about 4 GiB for the first convolution's output alone).</summary>
    public const int MaxImageSize = 512;

    /// <summary>The images are resized from 28×28 (bilinear) before the network sees them.</summary>
    [JsonIgnore]
    public bool Resizes => ImageSize != FashionMnist.ImageSize;

    /// <summary>The recipe whose optimiser settings these options have, or null for a mix.</summary>
    [JsonIgnore]
    public TrainingRecipe? Recipe =>
        Enum.GetValues<TrainingRecipe>().Cast<TrainingRecipe?>().FirstOrDefault(r => WithRecipe(r!.Value) == this);

    private static readonly TrainingOptions Neutral = new();

    /// <summary>These options with the optimiser settings of <paramref name="recipe"/> and its handling of a smaller
    /// last batch (data, size, epochs, batch size, initialisation and seed stay).</summary>
    public TrainingOptions WithRecipe(TrainingRecipe recipe) => recipe switch
    {
        // d2l's recipe is the neutral defaults: plain SGD.
        TrainingRecipe.D2l => this with
        {
            LearningRate = Neutral.LearningRate, Momentum = Neutral.Momentum, Nesterov = Neutral.Nesterov, WeightDecay = Neutral.WeightDecay,
            Schedule = Neutral.Schedule, CycleMomentum = Neutral.CycleMomentum, DropLast = Neutral.DropLast,
        },
        TrainingRecipe.Tuned => this with
        {
            LearningRate = 0.1, Momentum = 0.9, Nesterov = true, WeightDecay = 5e-4, Schedule = LearningRateSchedule.OneCycle,
            CycleMomentum = false, DropLast = true,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(recipe), recipe, "Use TrainingRecipe.D2l or TrainingRecipe.Tuned."),
    };

    /// <summary>Checks every value and throws a <see cref="TrainingOptionException"/> naming the value, what it was and
    /// the fix.</summary>
    /// <exception cref="TrainingOptionException">A value is out of range.</exception>
    public void Validate()
    {
        static void Check(bool ok, string name, object value, FormattableString fix)
        {
            if (!ok)
            {
                throw new TrainingOptionException(name, $"{TrainingOptionException.Set(name, value)} is not valid: {fix}.");
            }
        }

        Check(Epochs >= 1, nameof(Epochs), Epochs, $"train for at least 1 epoch (the quick profile trains 5)");
        Check(BatchSize >= 1, nameof(BatchSize), BatchSize, $"use at least 1 image per batch (d2l uses 256)");
        Check(ImageSize >= 28 && ImageSize <= MaxImageSize, nameof(ImageSize), ImageSize,
            $"use 28 (the stored size) up to {MaxImageSize}, e.g. 96 as in d2l (ImageNet's 224 is the largest a ResNet is usually trained at)");
        // The optimizer computes in 32-bit floats: a rate a double holds may round to 0 there (1e-320) and train nothing.
        Check(LearningRate > 0 && (float)LearningRate > 0 && LearningRate <= float.MaxValue, nameof(LearningRate), LearningRate,
            $"use a positive rate that fits a 32-bit float as the optimizer stores it (it must not round to 0 there), e.g. 0.05 (d2l) or 0.1 (tuned peak)");
        Check(Momentum >= 0 && Momentum < 1 && (float)Momentum < 1 && (Momentum == 0 || (float)Momentum > 0), nameof(Momentum), Momentum,
            $"use 0 (none) or a value below 1 that stays below 1 and above 0 in a 32-bit float, e.g. 0.9");
        Check(!Nesterov || Momentum > 0, nameof(Nesterov), Nesterov,
            $"Nesterov momentum needs a momentum above 0, e.g. {TrainingOptionException.Set(nameof(Momentum), 0.9)}, or {TrainingOptionException.Set(nameof(Nesterov), false)}");
        Check(!CycleMomentum || Schedule == LearningRateSchedule.OneCycle, nameof(CycleMomentum), CycleMomentum,
            $"momentum only cycles with the one-cycle schedule; use {TrainingOptionException.Set(nameof(Schedule), LearningRateSchedule.OneCycle)} or {TrainingOptionException.Set(nameof(CycleMomentum), false)}");
        Check(!CycleMomentum || (Momentum - MomentumCycleHalfWidth > 0 && Momentum + MomentumCycleHalfWidth < 1), nameof(CycleMomentum), CycleMomentum,
            $"cycling moves the momentum ±{MomentumCycleHalfWidth} around {TrainingOptionException.Set(nameof(Momentum), Momentum)}, which must stay between 0 and 1; use a momentum between 0.05 and 0.95 (e.g. {TrainingOptionException.Set(nameof(Momentum), 0.9)}) or {TrainingOptionException.Set(nameof(CycleMomentum), false)}");
        Check(WeightDecay >= 0 && WeightDecay <= float.MaxValue && (WeightDecay == 0 || (float)WeightDecay > 0), nameof(WeightDecay), WeightDecay,
            $"use 0 (none) or a small positive value that does not round to 0 in a 32-bit float, e.g. 5e-4");
        Check(TrainImages is null or >= 1, nameof(TrainImages), TrainImages!, $"use at least 1 image, or {TrainingOptionException.Set(nameof(TrainImages), null)} for all");
        Check(!(DropLast && TrainImages < BatchSize), nameof(TrainImages), TrainImages!,
            $"with {TrainingOptionException.Set(nameof(DropLast), true)} and {TrainingOptionException.Set(nameof(BatchSize), BatchSize)} no batch is left to train; use at least {BatchSize} training images, a batch size of at most {TrainImages}, or {TrainingOptionException.Set(nameof(DropLast), false)}");
        Check(TestImages is null or >= 1, nameof(TestImages), TestImages!, $"use at least 1 image, or {TrainingOptionException.Set(nameof(TestImages), null)} for all");
        Check(Enum.IsDefined(Data), nameof(Data), Data, $"use Subset or Full");
        Check(Enum.IsDefined(Schedule), nameof(Schedule), Schedule, $"use Constant or OneCycle");
        Check(Enum.IsDefined(Init), nameof(Init), Init, $"use Xavier, Default or He");
        Check(Enum.IsDefined(Precision), nameof(Precision), Precision, $"use Fp32 or Bf16");
    }

    /// <summary>
    /// The settings in which <paramref name="other"/> differs from these, one line each, e.g.
    /// <c>Seed: checkpoint 0, given 3</c> (every stored setting is compared, so no difference goes unnamed).
    /// </summary>
    /// <param name="other">The settings to compare with.</param>
    /// <param name="thisName">What these settings are, e.g. "checkpoint".</param>
    /// <param name="otherName">What <paramref name="other"/> is, e.g. "given".</param>
    public IEnumerable<string> Differences(TrainingOptions other, string thisName, string otherName)
    {
        ArgumentNullException.ThrowIfNull(other);
        return typeof(TrainingOptions).GetProperties()
            .Where(p => p.GetCustomAttributes(typeof(JsonIgnoreAttribute), false).Length == 0)
            .Select(p => (p.Name, Mine: p.GetValue(this), Theirs: p.GetValue(other)))
            .Where(x => !Equals(x.Mine, x.Theirs))
            .Select(x => FormattableString.Invariant($"{x.Name}: {thisName} {x.Mine ?? "null"}, {otherName} {x.Theirs ?? "null"}"));
    }
}
