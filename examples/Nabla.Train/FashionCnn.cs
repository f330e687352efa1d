using Nabla.NN;

namespace Nabla.Train;

/// <summary>
/// The job's network: three conv-batchnorm-relu stages (32, 64, 128 channels; 2x2 max pooling after the first
/// two), adaptive average pooling to 3x3 (which keeps where on the image a feature is: on Fashion-MNIST it beats
/// global pooling by 4-5 points of accuracy after the same epochs), dropout and a linear classifier: 104,650 parameters.
/// </summary>
public static class FashionCnn
{
    /// <summary>A freshly initialised network, drawing its weights from the default generator as torch.nn does.</summary>
    public static Sequential Create() => new(
        new Conv2d(1, 32, 3, padding: 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, padding: 1), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
        new Conv2d(64, 128, 3, padding: 1), new BatchNorm2d(128), new ReLU(),
        new AdaptiveAvgPool2d(3), new Flatten(), new Dropout(0.25), new Linear(128 * 3 * 3, 10));
}
