using System.Globalization;
using System.Net;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Display;

/// <summary>
/// A progress bar for a notebook (HTML <c>&lt;progress&gt;</c> with epoch, batch, images per second and the estimated
/// time left) or a console (one text line).
/// </summary>
/// <param name="Epochs">The run's epochs.</param>
/// <param name="Last">The last batch reported, or null before the first.</param>
/// <param name="LastEpoch">The last finished epoch, or null before the first.</param>
/// <param name="Finished">Whether the run is over.</param>
public sealed record TrainingProgressView(int Epochs, BatchProgress? Last = null, EpochMetrics? LastEpoch = null, bool Finished = false)
    : IHtmlRenderable
{
    /// <summary>Fraction done, 0..1.</summary>
    public double Fraction => Finished ? 1 : Last?.Fraction ?? (LastEpoch is null ? 0 : (double)LastEpoch.Epoch / Epochs);

    /// <summary>The status line, e.g. <c>epoch 2/5 · batch 17/40 · 712 images/s · 0:42 left · loss 0.512 · train acc 0.812</c>.</summary>
    public string Status()
    {
        var parts = new List<string>();
        if (Last is { } p)
        {
            parts.Add(Finished ? $"{Epochs} epochs done" : $"epoch {p.Epoch}/{p.Epochs} · batch {p.Batch}/{p.BatchesPerEpoch}");
            parts.Add(Finished ? $"took {Clock(p.Elapsed)}" : $"{Clock(p.Remaining)} left");
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{p.ImagesPerSecond:N0} images/s"));
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"loss {p.TrainLoss:F3} · train acc {p.TrainAccuracy:F3}"));
        }
        else
        {
            parts.Add(Finished ? "nothing left to train" : "starting…");
        }

        if (LastEpoch is { } m)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"test acc {m.TestAccuracy:F3} (epoch {m.Epoch})"));
        }

        return string.Join(" · ", parts);
    }

    /// <inheritdoc />
    public string ToHtml() => string.Create(CultureInfo.InvariantCulture,
        $"<div><progress value=\"{Fraction:F4}\" max=\"1\" style=\"width:24em\"></progress> {Fraction * 100:F0}%<br><code>{WebUtility.HtmlEncode(Status())}</code></div>");

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Fraction * 100,3:F0}% {Status()}");

    private static string Clock(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
