namespace LayerScope.Training;

/// <summary>One optimisation step of a character model.</summary>
/// <param name="Step">1-based step number.</param>
/// <param name="Loss">Mean cross-entropy (nats per character) of the step's batch, before the update.</param>
/// <param name="Seconds">Seconds since training began, at the end of the step.</param>
public sealed record LanguageModelStep(int Step, double Loss, double Seconds);
