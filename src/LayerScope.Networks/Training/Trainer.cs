using LayerScope.Dynamics;
using LayerScope.Progress;
using LayerScope.Training.Dynamics;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Training;

/// <summary>Fits a classifier with Adam on shuffled mini-batches and evaluates it after every epoch.</summary>
public static class Trainer
{
    /// <summary>Trains <paramref name="model"/> in place. After each epoch, <paramref name="afterEpoch"/> sees the
    /// report while the model is in evaluation mode (the moment to capture a layer); <paramref name="observer"/> (a
    /// <see cref="TrainingDynamicsRecorder"/>) sees every step and every epoch.</summary>
    /// <returns>One report per epoch.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "The observer came after the token; existing calls pass the token by position.")]
    public static IReadOnlyList<EpochReport> Fit(
        nn.Module<Tensor, Tensor> model,
        LabeledTensors train,
        LabeledTensors test,
        TrainingOptions options,
        Action<EpochReport>? afterEpoch = null,
        IProgress<StepProgress>? progress = null,
        CancellationToken cancellationToken = default,
        ITrainingObserver? observer = null)
    {
        options.Validate();
        var random = new Random(options.Seed);
        using var optimizer = optim.Adam(model.parameters(), options.LearningRate);
        var reports = new List<EpochReport>();
        string step = $"train {model.GetName()}";
        long count = train.Count;
        var order = Enumerable.Range(0, checked((int)count)).Select(i => (long)i).ToArray();
        long steps = 0;
        observer?.Started(model);
        List<Tensor>? best = null;

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            model.train();
            random.Shuffle(order);
            using (var epochScope = torch.NewDisposeScope())
            {
                for (long start = 0; start < count; start += options.BatchSize)
                {
                    using var batchScope = torch.NewDisposeScope();
                    var indices = tensor(order.AsSpan((int)start, (int)Math.Min(options.BatchSize, count - start)).ToArray());
                    optimizer.zero_grad();
                    var loss = Loss(model.call(train.Features.index_select(0, indices)), train.Labels.index_select(0, indices), options.Objective);
                    loss.backward();
                    var observed = new TrainingStep(epoch, ++steps, start + options.BatchSize >= count, loss);
                    observer?.BeforeUpdate(observed);
                    optimizer.step();
                    observer?.AfterUpdate(observed);
                }
            }

            var (trainLoss, trainAccuracy) = Evaluate(model, train, options.Objective);
            var (testLoss, testAccuracy) = EvaluateThrough(model, test, options.Objective, EvaluationBatch, observer is null ? null : observer.TestPass);
            var report = new EpochReport(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy);
            if (options.RestoreBestEpoch && (best is null || testAccuracy > reports.Max(r => r.TestAccuracy)))
            {
                best?.ForEach(t => t.Dispose());
                best = Snapshot(model);
            }
            reports.Add(report);
            observer?.EpochCompleted(new DynamicsCheckpoint(epoch, steps, trainLoss, trainAccuracy, testLoss, testAccuracy, options.LearningRate));
            afterEpoch?.Invoke(report);
            progress?.Report(new StepProgress(step, epoch, options.Epochs, $"loss {trainLoss:0.000}, test accuracy {testAccuracy:0.000}"));
        }
        if (best is not null) Restore(model, best);
        best?.ForEach(t => t.Dispose());
        model.eval();
        return reports;
    }

    /// <summary>A copy of every parameter and buffer, in registration order.</summary>
    private static List<Tensor> Snapshot(nn.Module model)
    {
        using var noGrad = torch.no_grad();
        return [.. model.parameters().Select(p => p.detach().clone().DetachFromDisposeScope()),
            .. model.buffers().Select(b => b.detach().clone().DetachFromDisposeScope())];
    }

    /// <summary>Writes <paramref name="snapshot"/> back into <paramref name="model"/>'s parameters and buffers.</summary>
    private static void Restore(nn.Module model, List<Tensor> snapshot)
    {
        using var noGrad = torch.no_grad();
        var targets = model.parameters().Cast<Tensor>().Concat(model.buffers()).ToList();
        for (int i = 0; i < targets.Count; i++) targets[i].copy_(snapshot[i]);
    }

    /// <summary>Mean loss and accuracy of <paramref name="model"/> on <paramref name="data"/>, in evaluation mode.</summary>
    /// <param name="model">The model; left in evaluation mode.</param>
    /// <param name="data">Features (float, or int64 indices for an embedding) and labels.</param>
    /// <param name="objective">Which loss and prediction rule apply.</param>
    /// <param name="batchSize">Examples per forward pass: sets larger than this (a recurrent network's [N, T, units]
    /// activations for all of them would not fit in memory) are evaluated in batches and their losses averaged.</param>
    public static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, LabeledTensors data, ClassificationObjective objective,
        int batchSize = EvaluationBatch) => EvaluateThrough(model, data, objective, batchSize, pass: null);

    /// <summary>Examples per forward pass of <see cref="Evaluate(nn.Module{Tensor, Tensor}, LabeledTensors, ClassificationObjective, int)"/>.</summary>
    public const int EvaluationBatch = 2048;

    /// <summary><see cref="Evaluate(nn.Module{Tensor, Tensor}, LabeledTensors, ClassificationObjective, int)"/> with every
    /// forward pass run through <paramref name="pass"/> (<see cref="ITrainingObserver.TestPass"/>).</summary>
    private static (double Loss, double Accuracy) EvaluateThrough(nn.Module<Tensor, Tensor> model, LabeledTensors data, ClassificationObjective objective,
        int batchSize, Func<Func<Tensor>, Tensor>? pass)
    {
        pass ??= forward => forward();
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        if (data.Count <= batchSize)
        {
            var output = pass(() => model.call(data.Features));
            double loss = Loss(output, data.Labels, objective).item<float>();
            double accuracy = Predict(output, objective).eq(data.Labels).to(ScalarType.Float64).mean().item<double>();
            return (loss, accuracy);
        }
        double lossSum = 0, correct = 0;
        for (long start = 0; start < data.Count; start += batchSize)
        {
            using var batchScope = torch.NewDisposeScope();
            var length = Math.Min(batchSize, data.Count - start);
            var labels = data.Labels.narrow(0, start, length);
            var output = pass(() => model.call(data.Features.narrow(0, start, length)));
            lossSum += Loss(output, labels, objective).item<float>() * (double)length;
            correct += Predict(output, objective).eq(labels).sum().item<long>();
        }
        return (lossSum / data.Count, correct / data.Count);
    }

    /// <summary>The class <paramref name="model"/> predicts for each row of <paramref name="inputs"/>, without
    /// gradients and in evaluation mode.</summary>
    public static int[] PredictClasses(nn.Module<Tensor, Tensor> model, Tensor inputs, ClassificationObjective objective)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            return Predict(model.call(inputs), objective).data<long>().ToArray().Select(p => (int)p).ToArray();
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }

    /// <summary>The model's output for every row of <paramref name="inputs"/>, in batches of
    /// <paramref name="batchSize"/> (a recurrent network's intermediate [N, T, units] tensors for all rows at once
    /// would not fit in memory), without gradients and in evaluation mode: for a binary classifier [N, 1], the
    /// probability of class 1.</summary>
    public static Arrays.Float32Array PredictOutputs(nn.Module<Tensor, Tensor> model, Tensor inputs, int batchSize = 512,
        IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            long count = inputs.shape[0];
            var batches = new List<float[]>();
            long[]? exampleShape = null;
            for (long start = 0; start < count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                var output = model.call(inputs.narrow(0, start, Math.Min(batchSize, count - start))).to(ScalarType.Float32).contiguous();
                exampleShape ??= output.shape[1..];
                batches.Add(output.data<float>().ToArray());
                progress?.Report(new StepProgress("predict", Math.Min(start + batchSize, count), count));
            }
            return new Arrays.Float32Array("output", [.. batches.SelectMany(b => b)], [count, .. exampleShape ?? []]);
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }

    /// <summary>Predicted class per example from the model's output.</summary>
    public static Tensor Predict(Tensor output, ClassificationObjective objective) => objective switch
    {
        ClassificationObjective.Binary => output.reshape(-1).ge(Evaluation.BinaryDecision.Threshold).to(ScalarType.Int64),
        _ => output.argmax(1),
    };

    private static Tensor Loss(Tensor output, Tensor labels, ClassificationObjective objective) => objective switch
    {
        ClassificationObjective.Binary => nn.functional.binary_cross_entropy(output.reshape(-1), labels.to(ScalarType.Float32)),
        _ => nn.functional.cross_entropy(output, labels),
    };
}
