using ResNetNotebooks.Notebooks;
using TorchSharp;

namespace ResNetNotebooks.Tests.Notebooks;

public sealed class ExpectTests
{
    [Fact]
    public void A_wrong_shape_fails_with_both_shapes_in_the_message()
    {
        using var t = torch.zeros(4, 3, 5, 5);

        var error = Assert.Throws<ExpectationFailedException>(() => Expect.Shape(t, 4, 3, 6, 6));

        Assert.Equal("Expected shape (4, 3, 6, 6) but got (4, 3, 5, 5).", error.Message);
    }

    [Fact]
    public void A_right_shape_is_returned()
    {
        using var t = torch.zeros(4, 6, 3, 3);

        Assert.Equal(new long[] { 4, 6, 3, 3 }, Expect.Shape(t, 4, 6, 3, 3));
    }

    [Fact]
    public void A_wrong_value_names_what_was_checked()
    {
        var error = Assert.Throws<ExpectationFailedException>(() => Expect.Equal(11_178_378L, 11_178_000L, "ResNet-18 parameters"));

        Assert.Equal("Expected ResNet-18 parameters = 11178378 but got 11178000.", error.Message);
    }

    [Fact]
    public void A_floor_rejects_lower_values_and_NaN()
    {
        Assert.Equal(0.85, Expect.AtLeast(0.82, 0.85, "test accuracy"));
        Assert.Throws<ExpectationFailedException>(() => Expect.AtLeast(0.82, 0.81, "test accuracy"));
        Assert.Throws<ExpectationFailedException>(() => Expect.AtLeast(0.82, double.NaN, "test accuracy"));
    }
}
