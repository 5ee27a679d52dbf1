using LayerScope.Models;
using LayerScope.Data;
using LayerScope.Dynamics;
using LayerScope.Progress;
using LayerScope.Training.Dynamics;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Training;

/// <summary>
/// Fits an <see cref="ISequenceClassifier"/> with Adam and cross-entropy on variable-length sequences. The training
/// sequences are sorted by length and cut into mini-batches of neighbours, so each batch is padded only to its own
/// longest sequence and the padding never enters the state (the model packs the batch); the order of the batches is
/// shuffled every epoch. After every epoch the model is evaluated on the training and the test set.
/// </summary>
public static class SequenceTrainer
{
    /// <summary>Trains <paramref name="model"/> in place; <see cref="TrainingOptions.Objective"/> is ignored (the loss is
    /// always multiclass cross-entropy).</summary>
    /// <param name="model">The network, trained in place and left in evaluation mode.</param>
    /// <param name="train">The training sequences.</param>
    /// <param name="test">The sequences evaluated after every epoch.</param>
    /// <param name="options">Epochs, batch size, learning rate and seed.</param>
    /// <param name="progress">Told after every epoch.</param>
    /// <param name="maxGradientNorm">Gradients whose overall L2 norm exceeds this are scaled down to it before each step
    /// (MATLAB's GradientThreshold, 1 by default), which keeps recurrent training from spiking; null turns it off.</param>
    /// <param name="cancellationToken">Checked before every epoch.</param>
    /// <param name="observer">Sees every step (gradients before clipping) and every epoch.</param>
    /// <returns>One report per epoch.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "The observer came after the token; existing calls pass the token by position.")]
    public static IReadOnlyList<EpochReport> Fit<TModel>(
        TModel model,
        LabeledSequences train,
        LabeledSequences test,
        TrainingOptions options,
        IProgress<StepProgress>? progress = null,
        double? maxGradientNorm = 1.0,
        CancellationToken cancellationToken = default,
        ITrainingObserver? observer = null)
        where TModel : nn.Module, ISequenceClassifier
    {
        ArgumentNullException.ThrowIfNull(model);
        if (maxGradientNorm is { } limit && !(limit > 0))
            throw new ArgumentOutOfRangeException(nameof(maxGradientNorm), limit, "The gradient norm limit must be positive, or null for none.");
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var random = new Random(options.Seed);
        var batches = LengthSortedBatches(train, options.BatchSize, random);
        using var optimizer = optim.Adam(model.parameters(), options.LearningRate);
        var reports = new List<EpochReport>();
        string step = $"train {model.GetName()}";
        try
        {
            using var trainAll = SequenceBatch.PadAll(train);
            using var testAll = SequenceBatch.PadAll(test);
            var order = Enumerable.Range(0, batches.Count).ToArray();
            long steps = 0;
            observer?.Started(model);
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                model.train();
                random.Shuffle(order);
                for (int k = 0; k < order.Length; k++)
                {
                    int b = order[k];
                    using var scope = torch.NewDisposeScope();
                    var batch = batches[b];
                    optimizer.zero_grad();
                    var loss = nn.functional.cross_entropy(model.Classify(batch.Inputs, batch.Lengths), batch.Labels);
                    loss.backward();
                    var observed = new TrainingStep(epoch, ++steps, k == order.Length - 1, loss);
                    observer?.BeforeUpdate(observed);
                    if (maxGradientNorm is { } norm) nn.utils.clip_grad_norm_(model.parameters(), norm);
                    optimizer.step();
                    observer?.AfterUpdate(observed);
                }
                var (trainLoss, trainAccuracy) = Evaluate(model, trainAll);
                var (testLoss, testAccuracy) = EvaluateThrough(model, testAll, observer is null ? null : observer.SequenceTestPass);
                reports.Add(new EpochReport(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy));
                observer?.EpochCompleted(new DynamicsCheckpoint(epoch, steps, trainLoss, trainAccuracy, testLoss, testAccuracy, options.LearningRate));
                progress?.Report(new StepProgress(step, epoch, options.Epochs, $"loss {trainLoss:0.000}, test accuracy {testAccuracy:0.000}"));
            }
        }
        finally
        {
            foreach (var batch in batches) batch.Dispose();
        }
        model.eval();
        return reports;
    }

    /// <summary>Mean cross-entropy and accuracy of <paramref name="model"/> on <paramref name="data"/>, in evaluation mode.</summary>
    public static (double Loss, double Accuracy) Evaluate<TModel>(TModel model, SequenceBatch data)
        where TModel : nn.Module, ISequenceClassifier => EvaluateThrough(model, data, pass: null);

    /// <summary><see cref="Evaluate{TModel}(TModel, SequenceBatch)"/> with the forward pass run through
    /// <paramref name="pass"/> (<see cref="ITrainingObserver.SequenceTestPass"/>).</summary>
    private static (double Loss, double Accuracy) EvaluateThrough<TModel>(TModel model, SequenceBatch data,
        Func<Func<Action<string, Tensor>?, Tensor>, Tensor>? pass)
        where TModel : nn.Module, ISequenceClassifier
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        pass ??= forward => forward(null);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var logits = pass(packedOutput => packedOutput is null ? model.Classify(data.Inputs, data.Lengths) : model.Classify(data.Inputs, data.Lengths, packedOutput));
        double loss = nn.functional.cross_entropy(logits, data.Labels).to(ScalarType.Float64).item<double>();
        double accuracy = logits.argmax(1).eq(data.Labels).to(ScalarType.Float64).mean().item<double>();
        return (loss, accuracy);
    }

    /// <summary>The predicted class of every sequence of <paramref name="data"/> (the largest logit), in evaluation mode.</summary>
    public static int[] Predict<TModel>(TModel model, LabeledSequences data)
        where TModel : nn.Module, ISequenceClassifier
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var batch = SequenceBatch.PadAll(data);
        return model.Classify(batch.Inputs, batch.Lengths).argmax(1).data<long>().ToArray().Select(p => (int)p).ToArray();
    }

    /// <summary>Mini-batches of sequences of similar length: sorted by length (ties in a seeded random order), then cut
    /// into consecutive groups of <paramref name="batchSize"/>.</summary>
    public static IReadOnlyList<SequenceBatch> LengthSortedBatches(LabeledSequences data, int batchSize, Random random)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var indices = Enumerable.Range(0, data.Count).ToArray();
        random.Shuffle(indices);
        var sorted = indices.OrderBy(data.Length).ToArray(); // OrderBy is stable: ties keep the shuffled order
        return sorted.Chunk(batchSize).Select(chunk => SequenceBatch.Pad(data, chunk)).ToList();
    }
}
