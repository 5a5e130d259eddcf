using System.Buffers;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Pipeline;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.HotTopics.Api;

/// <summary>
/// <c>POST /api/posts</c>: one post object, an array, or NDJSON, signed (see <see cref="PostsSignature"/>). Answers 202
/// <c>{accepted, duplicates, rejected:[{index, error}]}</c>; 401 bad/missing signature or stale timestamp, 413 body over
/// <c>Intake:MaxBodyBytes</c>, 400 a body that is not JSON at all (with line and column), 503 when no secret is
/// configured. Errors are <c>application/problem+json</c>. Local mode does not skip the signature.
/// </summary>
internal static class PostsEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpRequest request,
        HotTopicPipeline pipeline,
        IOptions<IntakeOptions> options,
        TimeProvider time,
        ILogger<HotTopicPipeline> logger,
        PostsIntakeStats stats,
        CancellationToken ct)
    {
        var result = await HandleCoreAsync(request, pipeline, options, time, logger, stats, ct);
        if (result is not IStatusCodeHttpResult { StatusCode: StatusCodes.Status202Accepted })
        {
            stats.Refused();
        }

        return result;
    }

    private static async Task<IResult> HandleCoreAsync(
        HttpRequest request,
        HotTopicPipeline pipeline,
        IOptions<IntakeOptions> options,
        TimeProvider time,
        ILogger<HotTopicPipeline> logger,
        PostsIntakeStats stats,
        CancellationToken ct)
    {
        var o = options.Value;
        if (o.Secrets.Length == 0)
        {
            IntakeLog.PostsRefused(logger, "no secret configured");
            return ApiProblems.Result(
                StatusCodes.Status503ServiceUnavailable, "Intake not configured",
                "POST /api/posts needs at least one signing secret: set Intake:Secrets (environment Intake__Secrets__0).");
        }

        var now = time.GetUtcNow();
        var maxSkew = TimeSpan.FromSeconds(o.MaxTimestampSkewSeconds);
        var timestamp = request.Headers[PostsSignature.TimestampHeader].ToString();
        if (PostsSignature.CheckTimestamp(timestamp, now, maxSkew) is { } timestampError)
        {
            return Unauthorized(logger, timestampError);
        }

        if (request.ContentLength > o.MaxBodyBytes)
        {
            return TooLarge(logger, o.MaxBodyBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = o.MaxBodyBytes + 1;
        }

        var body = await ReadBodyAsync(request.Body, request.ContentLength, o.MaxBodyBytes, ct);
        if (body is null)
        {
            return TooLarge(logger, o.MaxBodyBytes);
        }

        var rejected = new List<PostRejection>();
        var posts = new List<SocialPost>();
        PostError? firstMalformed = null;
        try
        {
            var signature = request.Headers[PostsSignature.SignatureHeader].ToString();
            if (PostsSignature.Verify(timestamp, signature, body.Value.AsSpan(), o.Secrets, now, maxSkew) is { } signatureError)
            {
                return Unauthorized(logger, signatureError);
            }

            if (body.Value.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
            {
                return ApiProblems.Result(StatusCodes.Status400BadRequest, "Empty body", "The body must be a post object, an array of posts, or NDJSON.");
            }

            // Parsed in place from the buffered body (one copy of the bytes: socket → buffer).
            foreach (var item in new JsonPostReader(time).Read(body.Value))
            {
                if (item.Post is { } post)
                {
                    posts.Add(post);
                }
                else if (item.Error is { } error)
                {
                    firstMalformed ??= error.Kind == PostErrorKind.Malformed ? error : null;
                    rejected.Add(new PostRejection(error.Index, error.Message));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body.Value.Array!);
        }

        if (posts.Count == 0 && rejected.Count == 1 && firstMalformed is { Index: 0 } malformed)
        {
            // Nothing readable at all: the body is not JSON.
            return ApiProblems.Result(StatusCodes.Status400BadRequest, "Malformed JSON", malformed.Message, malformed.Line, malformed.Column);
        }

        var accepted = 0;
        var duplicates = 0;
        for (var start = 0; start < posts.Count; start += o.BatchSize)
        {
            var batch = posts.GetRange(start, Math.Min(o.BatchSize, posts.Count - start));
            // Group commit: concurrent requests share one transaction; the answer waits for this batch's commit.
            var result = await pipeline.SubmitAsync(batch, o.BatchSize, ct);
            accepted += result.Accepted;
            duplicates += result.Duplicates;
        }

        IntakeLog.PostsIngested(logger, accepted, duplicates, rejected.Count);
        stats.Ingested(accepted, duplicates, rejected.Count);
        rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
        if (rejected.Count > 0)
        {
            IntakeLog.PostsRejected(logger, rejected.Count, posts.Count + rejected.Count, rejected[0].Index, rejected[0].Error);
        }

        return Results.Json(new PostsAccepted(accepted, duplicates, rejected), IntakeJsonContext.Default.PostsAccepted, statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult Unauthorized(ILogger logger, string reason)
    {
        IntakeLog.PostsRefused(logger, reason);
        return ApiProblems.Result(StatusCodes.Status401Unauthorized, "Bad signature", reason);
    }

    private static IResult TooLarge(ILogger logger, long max)
    {
        IntakeLog.PostsRefused(logger, "body too large");
        return ApiProblems.Result(
            StatusCodes.Status413PayloadTooLarge, "Body too large",
            $"The body is larger than Intake:MaxBodyBytes ({max} bytes); send smaller batches.");
    }

    /// <summary>
    /// Reads the whole body into a buffer rented from <see cref="ArrayPool{T}.Shared"/> (the caller returns it), or
    /// returns null as soon as it exceeds <paramref name="max"/> bytes. With a Content-Length the buffer is sized once;
    /// a chunked body grows it by doubling.
    /// </summary>
    private static async Task<ArraySegment<byte>?> ReadBodyAsync(Stream body, long? contentLength, long max, CancellationToken ct)
    {
        // +1: the read that sees the end of the body needs free space too.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max((contentLength ?? 0) + 1, 16 * 1024), max + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, max + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(length), ct);
                }
                catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }

                if (read == 0)
                {
                    return new ArraySegment<byte>(buffer, 0, length);
                }

                length += read;
                if (length > max)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
