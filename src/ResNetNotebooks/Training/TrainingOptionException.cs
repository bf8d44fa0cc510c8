using System.Globalization;

namespace ResNetNotebooks.Training;

/// <summary>
/// A training setting that is out of range or does not fit the data. <see cref="ArgumentException.ParamName"/> is the
/// setting's <see cref="TrainingOptions"/> property; <see cref="Exception.Message"/> names settings as C# does
/// (<c>Training option TrainImages = 100 ... DropLast = true</c>) and <see cref="Describe"/> as another user sets them
/// (the CLI: <c>--train-images 100 ... --drop-last true</c>).
/// </summary>
public sealed class TrainingOptionException : ArgumentException
{
    private readonly FormattableString _problem;

    /// <summary>A problem with <paramref name="setting"/>; <paramref name="problem"/> names each setting it mentions,
    /// with its value, as a <see cref="Setting"/> argument.</summary>
    public TrainingOptionException(string setting, FormattableString problem)
        : base(null, setting) => _problem = problem;

    /// <summary>The problem with settings named as C# names them, e.g. <c>Training option BatchSize = 256 with
    /// DropLast = true leaves no training batch: ...</c></summary>
    public override string Message => "Training option " + Describe((setting, value) => $"{setting.Name} = {value ?? "null"}");

    /// <summary>The problem with each setting named by <paramref name="name"/>, which gets the setting and its value
    /// as text (invariant culture, <c>true</c>/<c>false</c>; null when the value is null, i.e. all images).</summary>
    public string Describe(Func<Setting, string?, string> name) => _problem.ToString(new Namer(name));

    /// <summary>A setting (a <see cref="TrainingOptions"/> property's name) and its value, for a problem's text.</summary>
    public static Setting Set(string name, object? value) => new(name, value);

    /// <summary>A setting and its value inside a problem's text.</summary>
    public sealed record Setting(string Name, object? Value);

    private sealed class Namer(Func<Setting, string?, string> name) : IFormatProvider, ICustomFormatter
    {
        public object? GetFormat(Type? formatType) => formatType == typeof(ICustomFormatter) ? this : null;

        public string Format(string? format, object? arg, IFormatProvider? formatProvider) => arg switch
        {
            Setting s => name(s, s.Value is null ? null : Text(s.Value, format)),
            FormattableString part => part.ToString(this),
            _ => Text(arg, format),
        };

        private static string Text(object? value, string? format) => value switch
        {
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(format, CultureInfo.InvariantCulture),
            _ => value?.ToString() ?? "",
        };
    }
}
