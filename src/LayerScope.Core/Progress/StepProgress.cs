namespace LayerScope.Progress;

/// <summary>
/// How far one long step (training, capture, a download, t-SNE iterations) has come. Library code reports it through
/// <see cref="IProgress{T}"/>; the command line draws one progress bar per distinct <see cref="Step"/>.
/// </summary>
/// <param name="Step">A short name for the step, the same for all reports of that step ("train 4-2-1").</param>
/// <param name="Done">Units finished so far.</param>
/// <param name="Total">Units in the whole step; 0 when unknown.</param>
/// <param name="Detail">Optional figures to show beside the bar ("loss 0.31, test accuracy 0.97").</param>
public sealed record StepProgress(string Step, double Done, double Total, string? Detail = null)
{
    /// <summary>True once <see cref="Done"/> reached <see cref="Total"/>.</summary>
    public bool IsComplete => Total > 0 && Done >= Total;
}
