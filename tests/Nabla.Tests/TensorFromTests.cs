namespace Nabla.Tests;

public class TensorFromTests
{
    [Fact]
    public void ElementTypesNablaDoesNotStoreAreRefusedByName()
    {
        Assert.Equal("tensor: unsupported element type Int16; use bool, byte, int, long, float or double",
            Assert.Throws<ArgumentException>(() => Tensor.From(new short[] { 1, 2 })).Message);
        Assert.Equal("tensor: jagged arrays (Int64[][]) are not supported; use a rectangular array such as Int64[,]",
            Assert.Throws<ArgumentException>(() => Tensor.From(new[] { new long[] { 1 }, new long[] { 2, 3 } })).Message);
    }

    [Fact]
    public void RectangularArraysKeepTheirShapeAndTheirDType()
    {
        var t = Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(DType.UInt8, Tensor.From(new byte[] { 1 }).DType);
    }
}
