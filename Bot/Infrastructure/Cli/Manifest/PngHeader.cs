using System.Buffers.Binary;

namespace CrisisBot.Infrastructure.Cli.Manifest;

/// <summary>The size and pixel layout from a PNG's IHDR chunk.</summary>
public readonly record struct PngHeader(int Width, int Height, byte BitDepth, byte ColorType)
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True for colour types that carry an alpha channel (grey+alpha, RGBA).</summary>
    public bool HasAlphaChannel => ColorType is 4 or 6;

    /// <summary>Reads the header; false when the bytes are not a PNG (signature, then IHDR as the first chunk).</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out PngHeader header)
    {
        header = default;
        if (data.Length < 33 || !data[..8].SequenceEqual(Signature) || !data.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return false;
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(16, 4));
        var height = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(20, 4));
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue)
        {
            return false;
        }

        header = new PngHeader((int)width, (int)height, data[24], data[25]);
        return true;
    }
}
