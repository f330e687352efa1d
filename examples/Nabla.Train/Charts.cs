using ScottPlot;
using SkiaSharp;

namespace Nabla.Train;

/// <summary>The pictures a run leaves: its learning curves and a grid of the test images it got wrong.</summary>
public static class Charts
{
    /// <summary>Loss (left axis) and accuracy (right axis) per epoch, for training and test, as a PNG.</summary>
    public static void LearningCurves(string path, IReadOnlyList<EpochRecord> history)
    {
        var plot = new Plot();
        double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
        Line(plot, epochs, history.Select(h => h.TrainLoss), "train loss", Colors.Blue, right: false);
        Line(plot, epochs, history.Select(h => h.TestLoss), "test loss", Colors.Orange, right: false);
        Line(plot, epochs, history.Select(h => 100 * h.TrainAccuracy), "train accuracy %", Colors.Blue, right: true).LinePattern = LinePattern.Dashed;
        Line(plot, epochs, history.Select(h => 100 * h.TestAccuracy), "test accuracy %", Colors.Orange, right: true).LinePattern = LinePattern.Dashed;
        plot.Title("Fashion-MNIST with Nabla");
        plot.XLabel("epoch");
        plot.YLabel("cross-entropy loss");
        plot.Axes.Right.Label.Text = "accuracy (%)";
        plot.ShowLegend(Alignment.MiddleRight);
        Atomic.Write(path, temporary => plot.SavePng(temporary, 900, 520));
    }

    private static ScottPlot.Plottables.Scatter Line(Plot plot, double[] xs, IEnumerable<double> ys, string label, Color color, bool right)
    {
        var line = plot.Add.Scatter(xs, ys.ToArray(), color);
        line.LegendText = label;
        if (right) line.Axes.YAxis = plot.Axes.Right;
        return line;
    }

    /// <summary>Up to <paramref name="images"/>.Count misclassified images (raw 28x28 pixels), each captioned "true / predicted".</summary>
    public static void Misclassified(string path, IReadOnlyList<(byte[] Pixels, int Truth, int Predicted)> images)
    {
        const int scale = 3, side = 28 * scale, caption = 30, columns = 8;
        int rows = Math.Max(1, (images.Count + columns - 1) / columns);
        using var bitmap = new SKBitmap(columns * (side + 8), rows * (side + caption + 8));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 10);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var wrong = new SKPaint { Color = SKColors.Firebrick, IsAntialias = true };
        for (int i = 0; i < images.Count; i++)
        {
            var (pixels, truth, predicted) = images[i];
            int x = i % columns * (side + 8) + 4, y = i / columns * (side + caption + 8) + 4;
            using var image = new SKBitmap(28, 28, SKColorType.Gray8, SKAlphaType.Opaque);
            System.Runtime.InteropServices.Marshal.Copy(pixels, 0, image.GetPixels(), 28 * 28);
            canvas.DrawBitmap(image, new SKRect(x, y, x + side, y + side));
            canvas.DrawText(FashionMnist.Classes[truth], x, y + side + 12, SKTextAlign.Left, font, ink);
            canvas.DrawText(FashionMnist.Classes[predicted], x, y + side + 24, SKTextAlign.Left, font, wrong);
        }
        Atomic.Write(path, temporary =>
        {
            using var file = File.Create(temporary);
            bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
        });
    }
}
