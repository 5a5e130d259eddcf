using System.Globalization;
using System.Text.RegularExpressions;
using CrisisBot.Features.HotTopics.Text;

namespace CrisisBot.Features.HotTopics.Routing;

/// <summary>
/// The validated list of products loaded from <c>products.yaml</c>. Validation collects every problem (missing or
/// duplicate keys, missing fields, bad people ids, bad SLA) and throws one <see cref="ProductCatalogException"/>.
/// </summary>
/// <remarks>
/// <code>
/// products:
///   - key: travel-insurance          # [a-z][a-z0-9-]{1,39}, unique, "triage" is reserved
///     displayName: Travel insurance
///     keywords: [insurance, claim]   # single words or short multi-word terms
///     phrases: ["cancelled trip"]    # matched as whole word sequences
///     owners: [00000000-0000-0000-0000-000000000001, ana@contoso.example]   # aadObjectId or UPN, at least one
///     deputies: []
///     approvers: [lead@contoso.example]
///     approvalSteps:                 # optional chain, in order; default: one step with 'approvers'
///       - { name: Brand, approvers: [lead@contoso.example] }
///       - { name: Legal, approvers: [legal@contoso.example] }
///     slaMinutes: { normal: 60, crisis: 15 }
///     channel: "19:abc@thread.tacv2" # optional; otherwise `link product &lt;key&gt;`
/// </code>
/// </remarks>
public sealed partial class ProductCatalog
{
    /// <summary>The pseudo-product for posts no rule or similarity can place. Shown to agents.</summary>
    public const string TriageKey = "triage";

    private ProductCatalog(IReadOnlyList<ProductDefinition> products) => Products = products;

    public IReadOnlyList<ProductDefinition> Products { get; }

    public ProductDefinition? Find(string key) =>
        Products.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase));

    public static ProductCatalog Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new ProductCatalogException($"products file '{path}' does not exist");
        }

        using var reader = File.OpenText(path);
        return Parse(reader, path);
    }

    public static ProductCatalog Parse(string yaml, string sourceName = "products.yaml") =>
        Parse(new StringReader(yaml), sourceName);

    public static ProductCatalog Parse(TextReader reader, string sourceName = "products.yaml") =>
        Validate(ProductsYaml.Read(reader, sourceName), sourceName);

    private static ProductCatalog Validate(ProductsFile? file, string sourceName)
    {
        var errors = new List<string>();
        if (file?.Products is not { Count: > 0 } items)
        {
            throw new ProductCatalogException([$"{sourceName}: expected a non-empty 'products:' list"]);
        }

        var products = new List<ProductDefinition>();
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var where = string.Create(CultureInfo.InvariantCulture, $"product #{i + 1}");
            if (item is null)
            {
                errors.Add($"{where}: is empty");
                continue;
            }

            if (string.IsNullOrWhiteSpace(item.Key))
            {
                errors.Add($"{where}: missing required field 'key'");
            }
            else
            {
                where += $" ('{item.Key}')";
                if (!KeyPattern().IsMatch(item.Key))
                {
                    errors.Add($"{where}: 'key' must match [a-z][a-z0-9-]{{1,39}} (lower-case letters, digits, '-')");
                }
                else if (item.Key == TriageKey)
                {
                    errors.Add($"{where}: 'key' \"{TriageKey}\" is reserved for unroutable posts");
                }

                if (seen.TryGetValue(item.Key, out var first))
                {
                    errors.Add($"{where}: duplicate key '{item.Key}' (first used by product #{first})");
                }
                else
                {
                    seen[item.Key] = i + 1;
                }
            }

            if (string.IsNullOrWhiteSpace(item.DisplayName))
            {
                errors.Add($"{where}: missing required field 'displayName'");
            }

            var keywords = Clean(item.Keywords);
            var phrases = Clean(item.Phrases);
            if (keywords.Count + phrases.Count == 0)
            {
                errors.Add($"{where}: needs at least one entry in 'keywords' or 'phrases'");
            }

            var scratch = new TokenizedText();
            foreach (var term in keywords.Concat(phrases))
            {
                TextNormalizer.Normalize(term, scratch);
                if (scratch.TokenCount == 0)
                {
                    errors.Add($"{where}: keyword/phrase '{term}' has no usable words (letters, at least 2)");
                }
            }

            var owners = Clean(item.Owners);
            if (owners.Count == 0)
            {
                errors.Add($"{where}: missing required field 'owners' (at least one aadObjectId or UPN)");
            }

            CheckPeople(owners, "owners", where, errors);
            CheckPeople(Clean(item.Deputies), "deputies", where, errors);
            CheckPeople(Clean(item.Approvers), "approvers", where, errors);

            if (item.SlaMinutes is null)
            {
                errors.Add($"{where}: missing required field 'slaMinutes' ({{ normal, crisis }})");
            }
            else
            {
                if (item.SlaMinutes.Normal is not > 0)
                {
                    errors.Add($"{where}: 'slaMinutes.normal' must be a positive number of minutes");
                }

                if (item.SlaMinutes.Crisis is not > 0)
                {
                    errors.Add($"{where}: 'slaMinutes.crisis' must be a positive number of minutes");
                }
                else if (item.SlaMinutes.Normal is > 0 && item.SlaMinutes.Crisis > item.SlaMinutes.Normal)
                {
                    errors.Add($"{where}: 'slaMinutes.crisis' ({item.SlaMinutes.Crisis}) must not exceed 'slaMinutes.normal' ({item.SlaMinutes.Normal})");
                }
            }

            var steps = new List<ApprovalStep>();
            if (item.ApprovalSteps is not null)
            {
                for (var s = 0; s < item.ApprovalSteps.Count; s++)
                {
                    var step = item.ApprovalSteps[s];
                    var stepWhere = string.Create(CultureInfo.InvariantCulture, $"{where}: 'approvalSteps' #{s + 1}");
                    if (step is null || string.IsNullOrWhiteSpace(step.Name))
                    {
                        errors.Add($"{stepWhere}: missing required field 'name'");
                        continue;
                    }

                    var stepApprovers = Clean(step.Approvers);
                    if (stepApprovers.Count == 0)
                    {
                        errors.Add($"{stepWhere} ('{step.Name}'): needs at least one entry in 'approvers'");
                    }

                    CheckPeople(stepApprovers, "approvalSteps.approvers", where, errors);
                    if (steps.Any(x => string.Equals(x.Name, step.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
                    {
                        errors.Add($"{stepWhere}: duplicate step name '{step.Name.Trim()}'");
                    }

                    steps.Add(new ApprovalStep(step.Name.Trim(), stepApprovers));
                }
            }

            if (item.Channel is not null && string.IsNullOrWhiteSpace(item.Channel))
            {
                errors.Add($"{where}: 'channel' must not be blank (omit it to link the channel later)");
            }

            var approvers = Clean(item.Approvers);
            var product = new ProductDefinition(
                item.Key ?? "",
                item.DisplayName?.Trim() ?? "",
                keywords,
                phrases,
                owners,
                Clean(item.Deputies),
                item.ApprovalSteps is null || approvers.Count > 0
                    ? approvers
                    : [.. steps.SelectMany(x => x.Approvers).Distinct(StringComparer.OrdinalIgnoreCase)],
                new SlaMinutes(item.SlaMinutes?.Normal ?? 0, item.SlaMinutes?.Crisis ?? 0),
                string.IsNullOrWhiteSpace(item.Channel) ? null : item.Channel.Trim());
            products.Add(item.ApprovalSteps is null ? product : product with { ApprovalSteps = steps });
        }

        if (errors.Count > 0)
        {
            throw new ProductCatalogException(errors.Select(e => $"{sourceName}: {e}").ToList());
        }

        return new ProductCatalog(products);
    }

    private static List<string> Clean(List<string?>? values) =>
        values is null ? [] : [.. values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim())];

    private static void CheckPeople(List<string> people, string field, string where, List<string> errors)
    {
        foreach (var person in people)
        {
            if (!Guid.TryParse(person, out _) && !UpnPattern().IsMatch(person))
            {
                errors.Add($"{where}: '{field}' entry '{person}' is neither an aadObjectId (GUID) nor a UPN (name@domain)");
            }
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{1,39}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex UpnPattern();

    // The file's shape, filled by ProductsYaml. Unknown fields are errors (typos in a config file should not pass silently).
    internal sealed class ProductsFile
    {
        public List<ProductYaml?>? Products { get; set; }
    }

    internal sealed class ProductYaml
    {
        public string? Key { get; set; }

        public string? DisplayName { get; set; }

        public List<string?>? Keywords { get; set; }

        public List<string?>? Phrases { get; set; }

        public List<string?>? Owners { get; set; }

        public List<string?>? Deputies { get; set; }

        public List<string?>? Approvers { get; set; }

        public SlaYaml? SlaMinutes { get; set; }

        public string? Channel { get; set; }

        public List<ApprovalStepYaml?>? ApprovalSteps { get; set; }
    }

    internal sealed class ApprovalStepYaml
    {
        public string? Name { get; set; }

        public List<string?>? Approvers { get; set; }
    }

    internal sealed class SlaYaml
    {
        public int? Normal { get; set; }

        public int? Crisis { get; set; }
    }
}
