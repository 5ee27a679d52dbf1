using System.CommandLine;
using LayerScope.Cli.Terminal;
using LayerScope.Models;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope layers --zoo NAME</c>: the layer table of a built-in model.</summary>
internal static class LayersCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var zoo = new Option<string?>("--zoo") { Description = $"A built-in model: {string.Join(", ", ModelZoo.All.Select(m => m.Name))}." };
        var command = new Command("layers", "List a model's layers: name, type, output shape, parameters and settings.") { zoo };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(zoo);
            if (name is null)
            {
                terminal.Out.WriteLine("Built-in models (use --zoo NAME):");
                foreach (var model in ModelZoo.All) terminal.Out.WriteLine($"  {model.Name,-20} {model.Description}");
                return 0;
            }
            var zooModel = ModelZoo.Get(name);
            terminal.Out.WriteLine($"{zooModel.Name}: {zooModel.Description}");
            terminal.Out.WriteLine();
            terminal.Out.Write(ModelZoo.Describe(zooModel).ToText());
            return 0;
        });
        return command;
    }
}
