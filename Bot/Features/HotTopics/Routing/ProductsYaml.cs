using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static CrisisBot.Features.HotTopics.Routing.ProductCatalog;

namespace CrisisBot.Features.HotTopics.Routing;

/// <summary>
/// Reads <c>products.yaml</c> into its file shape (<see cref="ProductsFile"/>) through YamlDotNet's representation model
/// (a node tree with line and column per node) and a mapping written out field by field. The field rules are the ones
/// <see cref="ProductCatalog"/> documents: camelCase names, matched exactly; an unknown field is an error (a typo in a
/// config file must not pass silently); lists of text; <c>slaMinutes</c> a mapping of two whole numbers. Every shape
/// problem is reported with its line and column, all of them at once. What the values mean (keys, people, SLA) is
/// checked afterwards by <see cref="ProductCatalog"/>.
/// </summary>
/// <remarks>
/// Not YamlDotNet's reflection deserializer: building it (type inspection, naming-convention regexes, reflection
/// setters) cost about 70 of the 110 ms that loading the sample file took in a fresh process, on the critical path of
/// every <c>import</c> and of the server's start (bench/RESULTS.md, "Session 12"). The parser and its error positions
/// are still YamlDotNet's.
/// </remarks>
internal static class ProductsYaml
{
    private static readonly string[] ProductFields =
        ["key", "displayName", "keywords", "phrases", "owners", "deputies", "approvers", "approvalSteps", "slaMinutes", "channel"];

    private static readonly string[] StepFields = ["name", "approvers"];

    private static readonly string[] SlaFields = ["normal", "crisis"];

    /// <summary>
    /// The file's shape, or null for an empty file; throws <see cref="ProductCatalogException"/> with every shape problem
    /// (or YamlDotNet's syntax error), each as "<paramref name="sourceName"/>: line L, column C: problem".
    /// </summary>
    public static ProductsFile? Read(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var stream = new YamlStream();
        try
        {
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            var reason = ex.InnerException?.Message ?? ex.Message;
            throw new ProductCatalogException($"{sourceName}: line {ex.Start.Line}, column {ex.Start.Column}: {reason}", ex);
        }

        if (stream.Documents.Count == 0)
        {
            return null;
        }

        var errors = new List<string>();
        if (stream.Documents.Count > 1)
        {
            errors.Add(At(sourceName, stream.Documents[1].RootNode, "only one YAML document is expected (a second one starts here)"));
        }

        var file = new Reader(sourceName, errors).File(stream.Documents[0].RootNode);
        if (errors.Count > 0)
        {
            throw new ProductCatalogException(errors);
        }

        return file;
    }

    private static string At(string sourceName, YamlNode node, string problem) =>
        string.Create(CultureInfo.InvariantCulture, $"{sourceName}: line {node.Start.Line}, column {node.Start.Column}: {problem}");

    /// <summary>A YAML null: an empty node or a plain <c>~</c>/<c>null</c> (a quoted "null" is text).</summary>
    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "a single value",
    };

    private sealed class Reader(string sourceName, List<string> errors)
    {
        public ProductsFile? File(YamlNode root)
        {
            if (IsNull(root))
            {
                return null;
            }

            var file = new ProductsFile();
            foreach (var (_, value) in Fields(root, "the file", ["products"]))
            {
                file.Products = List(value, "'products'", Product);
            }

            return file;
        }

        private ProductYaml? Product(YamlNode node)
        {
            if (IsNull(node))
            {
                return null;
            }

            var product = new ProductYaml();
            foreach (var (name, value) in Fields(node, "a product", ProductFields))
            {
                switch (name)
                {
                    case "key":
                        product.Key = Text(value, name);
                        break;
                    case "displayName":
                        product.DisplayName = Text(value, name);
                        break;
                    case "keywords":
                        product.Keywords = Texts(value, name);
                        break;
                    case "phrases":
                        product.Phrases = Texts(value, name);
                        break;
                    case "owners":
                        product.Owners = Texts(value, name);
                        break;
                    case "deputies":
                        product.Deputies = Texts(value, name);
                        break;
                    case "approvers":
                        product.Approvers = Texts(value, name);
                        break;
                    case "approvalSteps":
                        product.ApprovalSteps = List(value, "'approvalSteps'", Step);
                        break;
                    case "slaMinutes":
                        product.SlaMinutes = Sla(value);
                        break;
                    default: // "channel"
                        product.Channel = Text(value, name);
                        break;
                }
            }

            return product;
        }

        private ApprovalStepYaml? Step(YamlNode node)
        {
            if (IsNull(node))
            {
                return null;
            }

            var step = new ApprovalStepYaml();
            foreach (var (name, value) in Fields(node, "an approval step", StepFields))
            {
                if (name == "name")
                {
                    step.Name = Text(value, "approvalSteps.name");
                }
                else
                {
                    step.Approvers = Texts(value, "approvalSteps.approvers");
                }
            }

            return step;
        }

        private SlaYaml? Sla(YamlNode node)
        {
            if (IsNull(node))
            {
                return null;
            }

            var sla = new SlaYaml();
            foreach (var (name, value) in Fields(node, "'slaMinutes'", SlaFields))
            {
                var minutes = WholeNumber(value, "slaMinutes." + name);
                if (name == "normal")
                {
                    sla.Normal = minutes;
                }
                else
                {
                    sla.Crisis = minutes;
                }
            }

            return sla;
        }

        /// <summary>The known fields of a mapping, in file order; an unknown one, or a node that is not a mapping, is an error.</summary>
        private List<(string Name, YamlNode Value)> Fields(YamlNode node, string what, string[] known)
        {
            var fields = new List<(string, YamlNode)>();
            if (node is not YamlMappingNode mapping)
            {
                errors.Add(At(sourceName, node, $"{what} must be a mapping of fields, not {Describe(node)}"));
                return fields;
            }

            foreach (var (keyNode, value) in mapping.Children)
            {
                var name = (keyNode as YamlScalarNode)?.Value;
                if (name is null || Array.IndexOf(known, name) < 0)
                {
                    errors.Add(At(sourceName, keyNode, $"unknown field '{name ?? Describe(keyNode)}' in {what} (expected {string.Join(", ", known)})"));
                    continue;
                }

                fields.Add((name, value));
            }

            return fields;
        }

        private List<T?>? List<T>(YamlNode node, string what, Func<YamlNode, T?> item)
            where T : class
        {
            if (IsNull(node))
            {
                return null;
            }

            if (node is not YamlSequenceNode sequence)
            {
                errors.Add(At(sourceName, node, $"{what} must be a list, not {Describe(node)}"));
                return null;
            }

            var items = new List<T?>(sequence.Children.Count);
            foreach (var child in sequence.Children)
            {
                items.Add(item(child));
            }

            return items;
        }

        private List<string?>? Texts(YamlNode node, string field) => List(node, $"'{field}'", child => Text(child, field + " entry"));

        private string? Text(YamlNode node, string field)
        {
            if (IsNull(node))
            {
                return null;
            }

            if (node is YamlScalarNode scalar)
            {
                return scalar.Value;
            }

            errors.Add(At(sourceName, node, $"'{field}' must be text, not {Describe(node)}"));
            return null;
        }

        private int? WholeNumber(YamlNode node, string field)
        {
            if (IsNull(node))
            {
                return null;
            }

            if (node is YamlScalarNode { Value: { } text } && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }

            errors.Add(At(sourceName, node, $"'{field}' must be a whole number of minutes, not {(node is YamlScalarNode s ? $"'{s.Value}'" : Describe(node))}"));
            return null;
        }
    }
}
