using LayerScope.Cli;

return LayerScopeCommandLine.Run(args);
