using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace CrisisBot.Tests.Manifest;

/// <summary>Helpers for the manifest tests: repository paths, a PNG reader/writer of our own, external processes.</summary>
internal static class ManifestTestSupport
{
    public const string BotId = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

    /// <summary>The manifestVersion we ship (issue 2 §6 asks for 1.25 or newer).</summary>
    public const string ExpectedManifestVersion = "1.25";

    /// <summary>The repository root: the nearest folder above the test binaries that holds CrisisBot.sln.</summary>
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CrisisBot.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No CrisisBot.sln above {AppContext.BaseDirectory}.");
        }
    }

    public static string SourceManifestDirectory => Path.Combine(RepoRoot, "manifest");

    /// <summary>Width and height from the IHDR chunk, read independently of the production PngHeader.</summary>
    public static (int Width, int Height) ReadPngSize(byte[] png)
    {
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(png.Length > 24 && png.AsSpan(0, 8).SequenceEqual(signature), "not a PNG signature");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return ((int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(16)), (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>A valid RGBA PNG of the given size (white, half transparent).</summary>
    public static byte[] MakePng(int width, int height)
    {
        using var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            for (var x = 0; x < width; x++)
            {
                raw.Write([255, 255, 255, (byte)(x % 2 == 0 ? 0 : 255)]);
            }
        }

        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            raw.Position = 0;
            raw.CopyTo(z);
        }

        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8;
        ihdr[9] = 6;
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Copies the shipped manifest sources into <paramref name="target"/>, optionally editing manifest.json.</summary>
    public static string CopySources(string target, Action<JsonObject>? edit = null)
    {
        Directory.CreateDirectory(target);
        foreach (var name in new[] { "manifest.json", "color.png", "outline.png" })
        {
            File.Copy(Path.Combine(SourceManifestDirectory, name), Path.Combine(target, name));
        }

        if (edit is not null)
        {
            var path = Path.Combine(target, "manifest.json");
            var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            edit(manifest);
            File.WriteAllText(path, manifest.ToJsonString());
        }

        return target;
    }

    public static JsonObject ReadZipManifest(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        var entry = zip.GetEntry("manifest.json") ?? throw new InvalidOperationException("no manifest.json at the zip root");
        using var reader = new StreamReader(entry.Open());
        return JsonNode.Parse(reader.ReadToEnd())!.AsObject();
    }

    public static byte[] ReadZipEntry(string zipPath, string name)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        var entry = zip.GetEntry(name) ?? throw new InvalidOperationException($"no {name} in the zip");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public sealed record ProcessRun(int ExitCode, string Output, string Error);

    public static async Task<ProcessRun> RunProcessAsync(string fileName, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in 120 s");
        }

        return new ProcessRun(process.ExitCode, await output, await error);
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        png.Write(header);
        png.Write(data);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. header.AsSpan(4), .. data]));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
