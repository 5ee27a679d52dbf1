using System.CommandLine;
using System.Globalization;
using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Demos;

/// <summary><c>layerscope demo imdb</c>: its options are <see cref="ImdbDemoOptions"/>' settings.</summary>
internal sealed class ImdbDemoCommand : DemoDefinition<ImdbDemoOptions>
{
    public override string Name => "imdb";

    public override string Description => "Keras' IMDB bidirectional LSTM: the BiLSTM layer of every test review, per epoch, PCA and t-SNE.";

    protected override Func<ParseResult, ImdbDemoOptions, ImdbDemoOptions> AddOwnOptions(Command command, ImdbDemoOptions defaults)
    {
        var maxFeatures = new Option<int>("--max-features") { Description = "Word indices kept, reserved ones included (the embedding's rows).", DefaultValueFactory = _ => defaults.MaxFeatures };
        var maxLength = new Option<int>("--maxlen") { Description = "Words per review after pre-truncation and pre-padding.", DefaultValueFactory = _ => defaults.MaxLength };
        var batch = new Option<int>("--batch") { Description = "Reviews per optimisation step.", DefaultValueFactory = _ => defaults.BatchSize };
        // For quick runs and tests: a class-balanced random subset instead of all 25,000 reviews of a split.
        var trainLimit = new Option<int?>("--train-limit") { Description = "Train on a class-balanced random subset of N training reviews.", Hidden = true };
        var testLimit = new Option<int?>("--test-limit") { Description = "Capture a class-balanced random subset of N test reviews.", Hidden = true };
        var learningRate = new Option<double>("--learning-rate") { Description = "Adam's step size.", DefaultValueFactory = _ => defaults.LearningRate, Hidden = true };
        foreach (var option in new Option[] { maxFeatures, maxLength, batch, trainLimit, testLimit, learningRate }) command.Options.Add(option);
        return (parse, options) => options with
        {
            MaxFeatures = parse.GetValue(maxFeatures),
            MaxLength = parse.GetValue(maxLength),
            BatchSize = parse.GetValue(batch),
            TrainLimit = parse.GetValue(trainLimit),
            TestLimit = parse.GetValue(testLimit),
            LearningRate = parse.GetValue(learningRate),
        };
    }

    protected override void Run(ImdbDemoOptions options, CliTerminal terminal, CancellationToken cancellationToken)
    {
        var result = ProgressDisplay.Run(terminal, progress => ImdbDemo.Run(options, progress, cancellationToken));
        var f1 = result.Classification.Classes.Select(c => $"{c.Class} {c.F1:0.0000}");
        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"test accuracy {result.Classification.Accuracy:0.0000}, F1 {string.Join(", ", f1)}"));
        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput: training {result.TrainingReviewsPerSecond:N0} reviews/s, capture {result.CaptureReviewsPerSecond:N0} reviews/s"));
        terminal.Out.WriteLine($"report: {result.ReportPath}");
        PrintTensorBoard(terminal, result.TensorBoard);
    }
}
