using LayerScope.Errors;

namespace LayerScope.Cli.Terminal;

/// <summary>The one place where exceptions become messages and exit codes.</summary>
public static class ErrorPresenter
{
    /// <summary>Exit code for an error the user can fix (bad file, bad setting, unknown layer).</summary>
    public const int UserError = 1;

    /// <summary>Exit code when a run was cancelled (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;

    /// <summary>Exit code for a bug in LayerScope (sysexits' EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    public static int Present(Exception error, CliTerminal terminal)
    {
        switch (error)
        {
            case LayerScopeException known:
                terminal.Error.WriteLine($"error: {SettingFlags.Translate(known.Message)}");
                return UserError;
            case FileNotFoundException missing:
                terminal.Error.WriteLine($"error: {missing.FileName ?? "a file"}: file not found. {missing.Message}");
                return UserError;
            case DirectoryNotFoundException missingFolder:
                terminal.Error.WriteLine($"error: {missingFolder.Message}");
                return UserError;
            case UnauthorizedAccessException denied:
                terminal.Error.WriteLine($"error: {denied.Message}");
                return UserError;
            case OperationCanceledException:
                terminal.Error.WriteLine("cancelled.");
                return Cancelled;
            default:
                terminal.Error.WriteLine($"internal error (please report it): {error}");
                return InternalError;
        }
    }
}
