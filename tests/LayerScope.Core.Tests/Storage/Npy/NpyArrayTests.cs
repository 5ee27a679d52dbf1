using LayerScope.Errors;
using LayerScope.Storage.Npy;

namespace LayerScope.Tests.Storage.Npy;

public class NpyArrayTests
{
    [Fact]
    public void Create_infers_the_element_type_and_keeps_the_data()
    {
        var data = new short[] { 1, 2, 3, 4, 5, 6 };

        var array = NpyArray.Create(data, 3, 2);

        Assert.Equal(NpyElementType.Int16, array.ElementType);
        Assert.Equal(new long[] { 3, 2 }, array.Shape);
        Assert.Equal(6, array.Length);
        Assert.Same(data, array.GetData<short>());
    }

    [Fact]
    public void Create_refuses_a_shape_that_does_not_match_the_data()
    {
        var error = Assert.Throws<ArgumentException>(() => NpyArray.Create(new float[6], 4, 2));

        Assert.Contains("(4, 2) needs 8 elements but the data has 6", error.Message);
    }

    [Fact]
    public void Create_refuses_negative_dimensions_and_unsupported_types()
    {
        Assert.Throws<ArgumentException>(() => NpyArray.Create(new float[0], -1, 0));
        Assert.Throws<ArgumentException>(() => NpyArray.Create(new char[2], 2));
    }

    [Fact]
    public void Create_without_shape_makes_a_scalar()
    {
        var scalar = NpyArray.Create(new[] { 2.5 });

        Assert.Empty(scalar.Shape);
        Assert.Equal(1, scalar.Length);
        Assert.Throws<ArgumentException>(() => NpyArray.Create(new[] { 1.0, 2.0 }));
    }

    [Fact]
    public void GetData_of_another_type_names_both_types()
    {
        var array = NpyArray.Create(new sbyte[] { 1, 2 }, 2);

        var error = Assert.Throws<LayerScopeException>(() => array.GetData<byte>());

        Assert.Contains("int8", error.Message);
        Assert.Contains("Byte", error.Message);
    }

    [Fact]
    public void Conversions_work_from_every_element_type()
    {
        Assert.Equal(new float[] { 1, 0 }, NpyArray.Create(new[] { true, false }, 2).ToFloat32());
        Assert.Equal(new double[] { -128, 127 }, NpyArray.Create(new sbyte[] { -128, 127 }, 2).ToFloat64());
        Assert.Equal(new long[] { 255 }, NpyArray.Create(new byte[] { 255 }, 1).ToInt64());
        Assert.Equal(new long[] { 4_000_000_000 }, NpyArray.Create(new uint[] { 4_000_000_000 }, 1).ToInt64());
        Assert.Equal(new float[] { 0.5f }, NpyArray.Create(new[] { 0.5 }, 1).ToFloat32());
        Assert.Equal(new long[] { 2, -2, 0 }, NpyArray.Create(new[] { 2.9f, -2.9f, float.NaN }, 3).ToInt64());
    }

    [Fact]
    public void Conversions_return_copies()
    {
        var data = new float[] { 1, 2 };
        var array = NpyArray.Create(data, 2);

        array.ToFloat32()[0] = 99;
        array.Shape[0] = 7;

        Assert.Equal(1, data[0]);
        Assert.Equal(new long[] { 2 }, array.Shape);
    }
}
