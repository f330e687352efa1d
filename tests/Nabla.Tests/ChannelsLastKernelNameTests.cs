using Nabla.NN;

namespace Nabla.Tests;

/// <summary>
/// libtorch's CPU pooling kernels dispatch under a "_channels_last" name when the (4-d) input's strides are channels-last,
/// and their dtype errors carry that name (probed against libtorch 2.10 in the parity suite).
/// </summary>
public class ChannelsLastKernelNameTests
{
    private static string Message(Action a) => Assert.Throws<NotSupportedException>(a).Message;

    [Fact]
    public void DtypeErrorsNameTheChannelsLastKernel()
    {
        // (N, L, C) storage seen as (N, C, L): as (N, C, 1, L) its strides (12, 1, 12, 3) are channels-last
        var cl = Tensor.Zeros([2, 4, 3], DType.UInt8).Transpose(1, 2);
        Assert.Equal("\"avg_pool2d_channels_last\" not implemented for 'Byte'", Message(() => F.AvgPool1d(cl, 1)));
        Assert.Equal("\"adaptive_avg_pool2d_channels_last\" not implemented for 'Byte'", Message(() => F.AdaptiveAvgPool1d(cl, 5)));
        Assert.Equal("\"adaptive_max_pool2d_channels_last\" not implemented for 'Byte'", Message(() => F.AdaptiveMaxPool1d(cl, 2)));
        var contiguous = Tensor.Zeros([1, 2, 3], DType.UInt8);
        Assert.Equal("\"avg_pool2d\" not implemented for 'Byte'", Message(() => F.AvgPool1d(contiguous, 1)));
        Assert.Equal("\"adaptive_max_pool2d\" not implemented for 'Byte'", Message(() => F.AdaptiveMaxPool1d(contiguous, 2)));
    }
}
