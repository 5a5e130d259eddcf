using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CrisisBot.Features.HotTopics.Api;

/// <summary>
/// The POST /api/posts signature: <c>X-CrisisBot-Signature: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 of
/// <c>timestamp + "." + body</c> with one of the configured secrets, and <c>X-CrisisBot-Timestamp</c> (Unix seconds)
/// within the allowed skew of the server clock (replay protection).
/// </summary>
public static class PostsSignature
{
    public const string TimestampHeader = "X-CrisisBot-Timestamp";
    public const string SignatureHeader = "X-CrisisBot-Signature";
    private const string Prefix = "sha256=";

    /// <summary>The header value for a body: <c>sha256=</c> and the lower-case hex HMAC (senders, CLI replay, tests).</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Prefix + Convert.ToHexStringLower(Compute(Encoding.UTF8.GetBytes(secret), timestamp.ToString(CultureInfo.InvariantCulture), body));
    }

    /// <summary>Checks the headers against the secrets; returns null when valid, else the reason (for a 401).</summary>
    public static string? Verify(
        string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, IReadOnlyList<string> secrets, DateTimeOffset now, TimeSpan maxSkew)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (CheckTimestamp(timestampHeader, now, maxSkew) is { } timestampError)
        {
            return timestampError;
        }

        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            return $"missing {SignatureHeader} header (sha256=<hex HMAC-SHA256 of timestamp + \".\" + body>)";
        }

        var value = signatureHeader.Trim();
        if (!value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || value.Length != Prefix.Length + 64)
        {
            return $"{SignatureHeader} must be sha256= followed by 64 hex digits";
        }

        byte[] expected;
        try
        {
            expected = Convert.FromHexString(value.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return $"{SignatureHeader} must be sha256= followed by 64 hex digits";
        }

        var timestamp = timestampHeader!.Trim();
        var match = false;
        foreach (var secret in secrets)
        {
            // Every secret is checked (no early exit), each in constant time.
            var actual = Compute(Encoding.UTF8.GetBytes(secret), timestamp, body);
            match |= CryptographicOperations.FixedTimeEquals(actual, expected);
        }

        return match ? null : "signature does not match the body (wrong secret, or the body or timestamp was changed)";
    }

    /// <summary>Checks the timestamp header alone (before the body is read); null when valid.</summary>
    public static string? CheckTimestamp(string? timestampHeader, DateTimeOffset now, TimeSpan maxSkew)
    {
        if (string.IsNullOrWhiteSpace(timestampHeader))
        {
            return $"missing {TimestampHeader} header (Unix seconds)";
        }

        if (!long.TryParse(timestampHeader.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > 253_402_300_799)
        {
            return $"{TimestampHeader} must be Unix seconds (digits only), got '{Clip(timestampHeader)}'";
        }

        var skew = DateTimeOffset.FromUnixTimeSeconds(seconds) - now;
        if (skew.Duration() > maxSkew)
        {
            return skew < TimeSpan.Zero
                ? $"{TimestampHeader} is {(long)-skew.TotalSeconds} s old; at most {(long)maxSkew.TotalSeconds} s are allowed (replay protection)"
                : $"{TimestampHeader} is {(long)skew.TotalSeconds} s ahead of the server clock; at most {(long)maxSkew.TotalSeconds} s are allowed";
        }

        return null;
    }

    private static byte[] Compute(byte[] key, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp));
        hmac.AppendData("."u8);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static string Clip(string s) => s.Length <= 32 ? s : s[..32] + "…";
}
