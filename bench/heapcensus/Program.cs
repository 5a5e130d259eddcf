using System.Globalization;
using Microsoft.Diagnostics.Runtime;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// heapcensus --pid PID [--top N] [--snapshot]
// Attaches to a running .NET process (suspending it while it reads), marks every object reachable from the GC roots
// (so only live data counts, whatever garbage the heap holds) and prints the live bytes:
//   - by owner: each object is charged to the nearest CrisisBot object above it on a shortest path from a root and the
//     field it is reached through ("Topic.Centroid", "CentroidMap._slots", "TopicClusterer._postings", ...);
//   - by type.
// --snapshot takes a core dump first (createdump) and reads that instead of attaching with ptrace.
//
// heapcensus --alloc-trace FILE.nettrace [--top N]
// Allocation sites from a dotnet-trace file with the runtime's allocation sampling (--profile gc-verbose: one
// GCAllocationTick per ~100 KB allocated, with its stack): sampled bytes by the innermost CrisisBot method on the stack
// (the code that asked for the memory) and by that method and the allocated type.
var inv = CultureInfo.InvariantCulture;
if (args.Length >= 2 && args[0] == "--alloc-trace")
{
    return AllocSites(args[1], args.Length >= 4 && args[2] == "--top" ? int.Parse(args[3], inv) : 40);
}

int? pid = null;
var top = 40;
var snapshot = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--pid":
            pid = int.Parse(args[++i], inv);
            break;
        case "--top":
            top = int.Parse(args[++i], inv);
            break;
        case "--snapshot":
            snapshot = true;
            break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}");
            return 2;
    }
}

if (pid is null)
{
    Console.Error.WriteLine("usage: heapcensus --pid PID [--top N] [--snapshot]");
    return 2;
}

var watch = System.Diagnostics.Stopwatch.StartNew();
using var target = snapshot ? DataTarget.CreateSnapshotAndAttach(pid.Value) : DataTarget.AttachToProcess(pid.Value, suspend: true);
using var runtime = target.ClrVersions[0].CreateRuntime();
var heap = runtime.Heap;

var labels = new List<string>();
var labelIds = new Dictionary<string, int>(StringComparer.Ordinal);
int Label(string name)
{
    if (!labelIds.TryGetValue(name, out var id))
    {
        id = labels.Count;
        labels.Add(name);
        labelIds[name] = id;
    }

    return id;
}

var seen = new Dictionary<ulong, int>(); // address -> label id
var queue = new Queue<ClrObject>();
foreach (var root in heap.EnumerateRoots())
{
    var o = root.Object;
    if (!o.IsValid || seen.ContainsKey(o.Address))
    {
        continue;
    }

    seen[o.Address] = Label("(root) " + root.RootKind);
    queue.Enqueue(o);
}

var byLabel = new Dictionary<int, (long Count, long Bytes)>();
var byType = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
long total = 0;
while (queue.Count > 0)
{
    var o = queue.Dequeue();
    var label = seen[o.Address];
    var size = (long)o.Size;
    total += size;
    var typeName = o.Type?.Name ?? "?";
    var l = byLabel.GetValueOrDefault(label);
    byLabel[label] = (l.Count + 1, l.Bytes + size);
    var t = byType.GetValueOrDefault(typeName);
    byType[typeName] = (t.Count + 1, t.Bytes + size);
    var owner = IsOwner(o.Type);
    foreach (var reference in o.EnumerateReferencesWithFields(carefully: false, considerDependantHandles: true))
    {
        var child = reference.Object;
        if (!child.IsValid || seen.ContainsKey(child.Address))
        {
            continue;
        }

        seen[child.Address] = owner ? Label(Short(typeName) + "." + (reference.Field?.Name ?? "[]")) : label;
        queue.Enqueue(child);
    }
}

Console.WriteLine(string.Create(inv, $"live objects {seen.Count:N0}, live bytes {total / 1048576.0:F1} MB (read in {watch.Elapsed.TotalSeconds:F0} s)"));
Console.WriteLine();
Console.WriteLine("| owner.field | objects | MB | share |");
Console.WriteLine("|---|---|---|---|");
foreach (var (id, (count, bytes)) in byLabel.OrderByDescending(kv => kv.Value.Bytes).Take(top))
{
    Console.WriteLine(string.Create(inv, $"| {labels[id]} | {count:N0} | {bytes / 1048576.0:F2} | {100.0 * bytes / total:F1} % |"));
}

Console.WriteLine();
Console.WriteLine("| type | objects | MB | share |");
Console.WriteLine("|---|---|---|---|");
foreach (var (name, (count, bytes)) in byType.OrderByDescending(kv => kv.Value.Bytes).Take(top))
{
    Console.WriteLine(string.Create(inv, $"| {name} | {count:N0} | {bytes / 1048576.0:F2} | {100.0 * bytes / total:F1} % |"));
}

return 0;

static int AllocSites(string path, int top)
{
    var inv = CultureInfo.InvariantCulture;
    var etlx = TraceLog.CreateFromEventPipeDataFile(path);
    using var log = new TraceLog(etlx);
    var source = log.Events.GetSource();
    var bySite = new Dictionary<string, long>(StringComparer.Ordinal);
    var bySiteType = new Dictionary<string, long>(StringComparer.Ordinal);
    long total = 0;
    source.Clr.GCAllocationTick += tick =>
    {
        var bytes = tick.AllocationAmount64;
        total += bytes;
        var site = "(no CrisisBot frame)";
        for (var frame = tick.CallStack(); frame is not null; frame = frame.Caller)
        {
            var method = frame.CodeAddress.FullMethodName;
            if (!string.IsNullOrEmpty(method) && method.StartsWith("CrisisBot.", StringComparison.Ordinal))
            {
                site = method.Length > 140 ? method[..140] : method;
                break;
            }
        }

        bySite[site] = bySite.GetValueOrDefault(site) + bytes;
        var key = site + " → " + (tick.TypeName ?? "?");
        bySiteType[key] = bySiteType.GetValueOrDefault(key) + bytes;
    };
    source.Process();
    Console.WriteLine(string.Create(inv, $"sampled allocations: {total / 1048576.0:F0} MB"));
    Console.WriteLine();
    Console.WriteLine("| innermost CrisisBot method | sampled MB | share |");
    Console.WriteLine("|---|---|---|");
    foreach (var (site, bytes) in bySite.OrderByDescending(kv => kv.Value).Take(top))
    {
        Console.WriteLine(string.Create(inv, $"| {site} | {bytes / 1048576.0:F0} | {100.0 * bytes / total:F1} % |"));
    }

    Console.WriteLine();
    Console.WriteLine("| method → type | sampled MB | share |");
    Console.WriteLine("|---|---|---|");
    foreach (var (key, bytes) in bySiteType.OrderByDescending(kv => kv.Value).Take(top))
    {
        Console.WriteLine(string.Create(inv, $"| {key} | {bytes / 1048576.0:F0} | {100.0 * bytes / total:F1} % |"));
    }

    return 0;
}

static bool IsOwner(ClrType? type) =>
    type is { IsArray: false, Name: { } name } && name.StartsWith("CrisisBot.", StringComparison.Ordinal);

static string Short(string name)
{
    var generic = name.IndexOf('<', StringComparison.Ordinal);
    var head = generic < 0 ? name : name[..generic];
    var dot = head.LastIndexOf('.');
    return dot < 0 ? name : name[(dot + 1)..];
}
