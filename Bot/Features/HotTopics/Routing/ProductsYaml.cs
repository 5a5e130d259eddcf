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
    private static readonly Field<SlaYaml>[] SlaFields =
    [
        new("normal", static (r, s, v) => s.Normal = r.WholeNumber(v, "slaMinutes.normal")),
        new("crisis", static (r, s, v) => s.Crisis = r.WholeNumber(v, "slaMinutes.crisis")),
    ];

    private static readonly Field<ApprovalStepYaml>[] StepFields =
    [
        new("name", static (r, s, v) => s.Name = r.Text(v, "approvalSteps.name")),
        new("approvers", static (r, s, v) => s.Approvers = r.Texts(v, "approvalSteps.approvers")),
    ];

    private static readonly Field<ProductYaml>[] ProductFields =
    [
        new("key", static (r, p, v) => p.Key = r.Text(v, "key")),
        new("displayName", static (r, p, v) => p.DisplayName = r.Text(v, "displayName")),
        new("keywords", static (r, p, v) => p.Keywords = r.Texts(v, "keywords")),
        new("phrases", static (r, p, v) => p.Phrases = r.Texts(v, "phrases")),
        new("owners", static (r, p, v) => p.Owners = r.Texts(v, "owners")),
        new("deputies", static (r, p, v) => p.Deputies = r.Texts(v, "deputies")),
        new("approvers", static (r, p, v) => p.Approvers = r.Texts(v, "approvers")),
        new("approvalSteps", static (r, p, v) => p.ApprovalSteps = r.List(v, "'approvalSteps'", r.Step)),
        new("slaMinutes", static (r, p, v) => p.SlaMinutes = r.Mapping(v, "'slaMinutes'", SlaFields)),
        new("channel", static (r, p, v) => p.Channel = r.Text(v, "channel")),
    ];

    private static readonly Field<ProductsFile>[] FileFields =
    [
        new("products", static (r, f, v) => f.Products = r.List(v, "'products'", r.Product)),
    ];

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
            throw new ProductCatalogException(At(sourceName, ex.Start, ex.InnerException?.Message ?? ex.Message), ex);
        }

        if (stream.Documents.Count == 0)
        {
            return null;
        }

        var errors = new List<string>();
        if (stream.Documents.Count > 1)
        {
            errors.Add(At(sourceName, stream.Documents[1].RootNode.Start, "only one YAML document is expected (a second one starts here)"));
        }

        var file = new Reader(sourceName, errors).Mapping(stream.Documents[0].RootNode, "the file", FileFields);
        if (errors.Count > 0)
        {
            throw new ProductCatalogException(errors);
        }

        return file;
    }

    private static string At(string sourceName, Mark start, string problem) =>
        string.Create(CultureInfo.InvariantCulture, $"{sourceName}: line {start.Line}, column {start.Column}: {problem}");

    /// <summary>A YAML null: an empty node or a plain <c>~</c>/<c>null</c> (a quoted "null" is text).</summary>
    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "a single value",
    };

    /// <summary>One field of a mapping: its name (camelCase, matched exactly) and how its value is read into the target.</summary>
    private sealed record Field<T>(string Name, Action<Reader, T, YamlNode> Read);

    private sealed class Reader(string sourceName, List<string> errors)
    {
        /// <summary>
        /// A mapping read field by field through <paramref name="fields"/> (null for a YAML null); an unknown field, or a
        /// node that is not a mapping, is an error.
        /// </summary>
        public T? Mapping<T>(YamlNode node, string what, Field<T>[] fields)
            where T : class, new()
        {
            if (IsNull(node))
            {
                return null;
            }

            var target = new T();
            if (node is not YamlMappingNode mapping)
            {
                errors.Add(At(sourceName, node.Start, $"{what} must be a mapping of fields, not {Describe(node)}"));
                return target;
            }

            foreach (var (keyNode, value) in mapping.Children)
            {
                var name = (keyNode as YamlScalarNode)?.Value;
                if (Array.Find(fields, f => f.Name == name) is { } field)
                {
                    field.Read(this, target, value);
                }
                else
                {
                    errors.Add(At(sourceName, keyNode.Start, $"unknown field '{name ?? Describe(keyNode)}' in {what} (expected {string.Join(", ", fields.Select(f => f.Name))})"));
                }
            }

            return target;
        }

        public ProductYaml? Product(YamlNode node) => Mapping(node, "a product", ProductFields);

        public ApprovalStepYaml? Step(YamlNode node) => Mapping(node, "an approval step", StepFields);

        public List<T?>? List<T>(YamlNode node, string what, Func<YamlNode, T?> item)
            where T : class
        {
            if (IsNull(node))
            {
                return null;
            }

            if (node is not YamlSequenceNode sequence)
            {
                errors.Add(At(sourceName, node.Start, $"{what} must be a list, not {Describe(node)}"));
                return null;
            }

            var items = new List<T?>(sequence.Children.Count);
            foreach (var child in sequence.Children)
            {
                items.Add(item(child));
            }

            return items;
        }

        public List<string?>? Texts(YamlNode node, string field) => List(node, $"'{field}'", child => Text(child, field + " entry"));

        public string? Text(YamlNode node, string field)
        {
            if (IsNull(node))
            {
                return null;
            }

            if (node is YamlScalarNode scalar)
            {
                return scalar.Value;
            }

            errors.Add(At(sourceName, node.Start, $"'{field}' must be text, not {Describe(node)}"));
            return null;
        }

        public int? WholeNumber(YamlNode node, string field)
        {
            if (IsNull(node))
            {
                return null;
            }

            if (node is YamlScalarNode { Value: { } text } && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }

            errors.Add(At(sourceName, node.Start, $"'{field}' must be a whole number of minutes, not {(node is YamlScalarNode s ? $"'{s.Value}'" : Describe(node))}"));
            return null;
        }
    }
}
