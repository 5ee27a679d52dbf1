// The pipeline's vocabulary, which every demo composes: one list here instead of the same twenty lines atop each demo.
global using LayerScope.Capture;
global using LayerScope.Data;
global using LayerScope.Evaluation;
global using LayerScope.Models;
global using LayerScope.Models.Zoo;
global using LayerScope.Progress;
global using LayerScope.Reduction;
global using LayerScope.Rendering;
global using LayerScope.Rendering.Figures;
global using LayerScope.Rendering.Html;
global using LayerScope.Rendering.PlotData;
global using LayerScope.Runs;
global using LayerScope.Storage;
global using LayerScope.Storage.Npy;
global using LayerScope.Training;
global using LayerScope.Workflows;
global using LayerScope.Workflows.Sections;
