using HyperTune.Core.Optimizers.Designs;

namespace HyperTune.Core.Tests.Optimizers.Designs;

public class PrimitivePolynomialsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void The_count_of_each_degree_is_phi_of_2_to_the_s_minus_1_over_s(int degree)
    {
        var order = (1L << degree) - 1;
        Assert.Equal(Totient(order) / degree, PrimitivePolynomials.OfDegree(degree).Count);
    }

    [Fact]
    public void Known_small_cases_are_classified_correctly()
    {
        Assert.Equal(new ulong[] { 0b11 }, PrimitivePolynomials.OfDegree(1));
        Assert.Equal(new ulong[] { 0b111 }, PrimitivePolynomials.OfDegree(2));
        Assert.Equal(new ulong[] { 0b1011, 0b1101 }, PrimitivePolynomials.OfDegree(3));
        // x^4+x^3+x^2+x+1 is irreducible but x has order 5, not 15: not primitive.
        Assert.False(PrimitivePolynomials.IsPrimitive(0b11111, 4));
        // x^4+x^2+1 = (x^2+x+1)^2 is reducible.
        Assert.False(PrimitivePolynomials.IsPrimitive(0b10101, 4));
        Assert.True(PrimitivePolynomials.IsPrimitive(0b10011, 4));
    }

    private static long Totient(long n)
    {
        var result = n;
        for (var p = 2L; p * p <= n; p++)
        {
            if (n % p != 0) continue;
            while (n % p == 0) n /= p;
            result -= result / p;
        }
        if (n > 1) result -= result / n;
        return result;
    }
}
