namespace LayerScope.Runs;

/// <summary>A network's training dynamics in a run: the <c>dynamics.json</c> a <c>TrainingDynamicsRecorder</c>'s result
/// was written to (<see cref="Dynamics.TrainingDynamicsFile"/>), for the viewer's dynamics panel and
/// <c>export-tensorboard</c>.</summary>
/// <param name="Network">The network's name, as the dynamics file gives it (e.g. "mlp-4-2-1"); used once per run.</param>
/// <param name="File">The dynamics file, relative to the run folder.</param>
public sealed record RunDynamics(string Network, string File);
