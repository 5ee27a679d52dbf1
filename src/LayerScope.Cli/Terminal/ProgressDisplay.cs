using Spectre.Console;

namespace LayerScope.Cli.Terminal;

/// <summary>
/// Shows the <see cref="StepProgress"/> reports of a long job: one live Spectre.Console bar per step on an interactive
/// ANSI terminal, plain lines otherwise (redirected output, CI logs), so logs stay readable.
/// </summary>
public static class ProgressDisplay
{
    /// <summary>Runs <paramref name="work"/>, displaying the progress it reports, and returns its result.</summary>
    public static T Run<T>(CliTerminal terminal, Func<IProgress<StepProgress>, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!terminal.SupportsLiveProgress)
            return work(new PlainLineProgress(terminal.Error));

        return terminal.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => work(new LiveBarProgress(context)));
    }

    /// <summary>Runs <paramref name="work"/> with progress display.</summary>
    public static void Run(CliTerminal terminal, Action<IProgress<StepProgress>> work) =>
        Run<object?>(terminal, progress => { work(progress); return null; });

    /// <summary>Synchronous (not <see cref="Progress{T}"/>, which posts to a synchronization context): reports arrive
    /// from worker threads, and the bar must be current when the job returns.</summary>
    private sealed class LiveBarProgress(ProgressContext context) : IProgress<StepProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];
        private readonly Lock _gate = new();

        public void Report(StepProgress value)
        {
            lock (_gate)
            {
                if (!_tasks.TryGetValue(value.Step, out var task))
                {
                    task = context.AddTask(Markup.Escape(value.Step), autoStart: true, maxValue: Math.Max(value.Total, 1));
                    _tasks[value.Step] = task;
                }
                if (value.Total > 0) task.MaxValue = value.Total;
                else task.IsIndeterminate = true;
                task.Value = value.Done;
                task.Description = Markup.Escape(value.Detail is null ? value.Step : $"{value.Step}  {value.Detail}");
                if (value.IsComplete) task.StopTask();
            }
        }
    }

    /// <summary>Writes a line when a step starts, at every tenth of the way, and when it completes.</summary>
    private sealed class PlainLineProgress(TextWriter writer) : IProgress<StepProgress>
    {
        private readonly Dictionary<string, int> _lastTenth = [];
        private readonly Lock _gate = new();

        public void Report(StepProgress value)
        {
            lock (_gate)
            {
                int tenth = value.Total > 0 ? (int)Math.Floor(10 * value.Done / value.Total) : 0;
                bool first = !_lastTenth.TryGetValue(value.Step, out int last);
                if (!first && tenth <= last && !value.IsComplete) return;
                if (!first && value.IsComplete && last == 10) return;
                _lastTenth[value.Step] = value.IsComplete ? 10 : tenth;
                string amount = value.Total > 0 ? $"{value.Done:0.##}/{value.Total:0.##}" : $"{value.Done:0.##}";
                writer.WriteLine(value.Detail is null ? $"{value.Step}: {amount}" : $"{value.Step}: {amount}  {value.Detail}");
            }
        }
    }
}
