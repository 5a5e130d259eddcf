using System.Globalization;
using System.Text;

namespace CrisisBot.Features.HotTopics.Intake;

/// <summary>
/// Streams posts out of RFC 4180 CSV (UTF-8, comma separated, fields with commas, quotes or new lines in double
/// quotes, a quote inside a quoted field doubled). The first row is the header. Column names are matched
/// case-insensitively and ignore '.', '_' and '-', so <c>author.handle</c>, <c>author_handle</c> and
/// <c>authorHandle</c> are the same column. Unknown columns are ignored.
/// </summary>
/// <remarks>
/// Columns: <c>id</c>, <c>source</c>, <c>text</c>, <c>createdAt</c> (required); <c>authorHandle</c>, <c>authorName</c>,
/// <c>authorFollowers</c>, <c>authorVerified</c> (true/false), <c>url</c>, <c>language</c>, <c>likes</c>, <c>shares</c>,
/// <c>replies</c>, <c>impressions</c>, <c>inReplyTo</c>, <c>tags</c> (separated by ';' or '|') (optional).
/// Empty cells are "absent". Item indexes count data rows from 0; messages also give the line.
/// </remarks>
public sealed class CsvPostReader(TimeProvider time)
{
    private enum Column
    {
        Id, Source, Text, CreatedAt, AuthorHandle, AuthorName, AuthorFollowers, AuthorVerified, Url, Language,
        Likes, Shares, Replies, Impressions, InReplyTo, Tags,
    }

    private static readonly Dictionary<string, Column> Names = new(StringComparer.Ordinal)
    {
        ["id"] = Column.Id, ["source"] = Column.Source, ["text"] = Column.Text, ["createdat"] = Column.CreatedAt,
        ["authorhandle"] = Column.AuthorHandle, ["handle"] = Column.AuthorHandle,
        ["authorname"] = Column.AuthorName, ["authorfollowers"] = Column.AuthorFollowers, ["followers"] = Column.AuthorFollowers,
        ["authorverified"] = Column.AuthorVerified, ["url"] = Column.Url, ["language"] = Column.Language,
        ["likes"] = Column.Likes, ["metricslikes"] = Column.Likes, ["shares"] = Column.Shares, ["metricsshares"] = Column.Shares,
        ["replies"] = Column.Replies, ["metricsreplies"] = Column.Replies,
        ["impressions"] = Column.Impressions, ["metricsimpressions"] = Column.Impressions,
        ["inreplyto"] = Column.InReplyTo, ["tags"] = Column.Tags,
    };

    public IEnumerable<PostParseResult> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadCore(new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true));
    }

    public IEnumerable<PostParseResult> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadCore(reader);
    }

    private IEnumerable<PostParseResult> ReadCore(TextReader reader)
    {
        var now = time.GetUtcNow();
        var records = new CsvRecordReader(reader);
        var fields = new List<string>();
        if (!records.Next(fields, out _, out var headerError))
        {
            yield return PostParseResult.Fail(new PostError(0, PostErrorKind.Malformed,
                headerError ?? "the CSV is empty: expected a header row with id, source, text and createdAt"));
            yield break;
        }

        var map = new int[Enum.GetValues<Column>().Length];
        Array.Fill(map, -1);
        for (var i = 0; i < fields.Count; i++)
        {
            var key = NormaliseHeader(fields[i]);
            if (Names.TryGetValue(key, out var column) && map[(int)column] < 0)
            {
                map[(int)column] = i;
            }
        }

        var missing = new[] { Column.Id, Column.Source, Column.Text, Column.CreatedAt }
            .Where(c => map[(int)c] < 0)
            .Select(c => JsonName(c))
            .ToList();
        if (missing.Count > 0)
        {
            yield return PostParseResult.Fail(new PostError(0, PostErrorKind.Malformed,
                $"the CSV header lacks required column(s): {string.Join(", ", missing)}", 1));
            yield break;
        }

        var width = fields.Count;
        var index = 0;
        while (true)
        {
            fields.Clear();
            if (!records.Next(fields, out var line, out var error))
            {
                if (error is not null)
                {
                    yield return PostParseResult.Fail(new PostError(index, PostErrorKind.Malformed, $"malformed CSV at line {line}: {error}", line));
                }

                yield break;
            }

            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // blank line
            }

            if (error is not null)
            {
                yield return PostParseResult.Fail(new PostError(index++, PostErrorKind.Malformed, $"malformed CSV at line {line}: {error}", line));
                continue;
            }

            if (fields.Count > width)
            {
                yield return PostParseResult.Fail(new PostError(index++, PostErrorKind.Malformed,
                    $"malformed CSV at line {line}: the row has {fields.Count} fields but the header has {width}", line));
                continue;
            }

            yield return Build(fields, map, index++, line, now);
        }
    }

    private static string JsonName(Column c) => c == Column.CreatedAt ? "createdAt" : c.ToString().ToLowerInvariant();

    private static string NormaliseHeader(string header)
    {
        var sb = new StringBuilder(header.Length);
        foreach (var ch in header.AsSpan().Trim())
        {
            if (ch is not ('.' or '_' or '-' or ' '))
            {
                sb.Append(char.ToLowerInvariant(ch));
            }
        }

        return sb.ToString();
    }

    private static PostParseResult Build(List<string> fields, int[] map, int index, long line, DateTimeOffset now)
    {
        string? Get(Column c)
        {
            var i = map[(int)c];
            return i >= 0 && i < fields.Count && fields[i].Length > 0 ? fields[i] : null;
        }

        string? error = null;
        long? Count(Column c, string name)
        {
            var raw = Get(c);
            if (raw is null)
            {
                return null;
            }

            if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            error ??= $"'{name}' must be a non-negative integer (got '{PostValidation.Truncate(raw)}')";
            return null;
        }

        var id = Get(Column.Id);
        var source = Get(Column.Source);
        var text = Get(Column.Text);
        var createdAt = Get(Column.CreatedAt);
        var followers = Count(Column.AuthorFollowers, "authorFollowers");
        bool? verified = null;
        if (Get(Column.AuthorVerified) is { } v)
        {
            if (bool.TryParse(v, out var b))
            {
                verified = b;
            }
            else
            {
                error ??= $"'authorVerified' must be true or false (got '{PostValidation.Truncate(v)}')";
            }
        }

        var likes = Count(Column.Likes, "likes");
        var shares = Count(Column.Shares, "shares");
        var replies = Count(Column.Replies, "replies");
        var impressions = Count(Column.Impressions, "impressions");

        var at = default(DateTimeOffset);
        error ??= PostValidation.CheckRequired(id, "id")
            ?? PostValidation.CheckRequired(source, "source")
            ?? PostValidation.CheckText(text)
            ?? PostValidation.ParseCreatedAt(createdAt, now, out at);
        if (error is not null)
        {
            return PostParseResult.Fail(new PostError(index, PostErrorKind.Invalid, $"row at line {line}: {error}", line));
        }

        var handle = Get(Column.AuthorHandle);
        var name = Get(Column.AuthorName);
        var author = handle is null && name is null && followers is null && verified is null
            ? null
            : new PostAuthor(handle, name, followers, verified);
        var metrics = likes is null && shares is null && replies is null && impressions is null
            ? null
            : new PostMetrics(likes, shares, replies, impressions);
        var tags = Get(Column.Tags)?.Split([';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return PostParseResult.Ok(index, new SocialPost(id!, source!, text!, at, author, Get(Column.Url), Get(Column.Language),
            metrics, Get(Column.InReplyTo), tags));
    }

    /// <summary>A small RFC 4180 record reader that tracks line numbers.</summary>
    private sealed class CsvRecordReader(TextReader reader)
    {
        private long _line = 1;
        private readonly StringBuilder _field = new();

        /// <summary>Reads one record. Returns false at the end of input (error set when the input ended badly).</summary>
        public bool Next(List<string> fields, out long startLine, out string? error)
        {
            startLine = _line;
            error = null;
            var c = reader.Read();
            if (c < 0)
            {
                return false;
            }

            _field.Clear();
            var quoted = false;
            var afterQuote = false;
            var fieldStart = true;
            while (true)
            {
                if (c < 0)
                {
                    if (quoted)
                    {
                        error = $"a quoted field opened in this row is never closed (input ends at line {_line})";
                        return false;
                    }

                    fields.Add(_field.ToString());
                    return true;
                }

                var ch = (char)c;
                if (quoted)
                {
                    if (ch == '"')
                    {
                        if (reader.Peek() == '"')
                        {
                            reader.Read();
                            _field.Append('"');
                        }
                        else
                        {
                            quoted = false;
                            afterQuote = true;
                        }
                    }
                    else
                    {
                        if (ch == '\n')
                        {
                            _line++;
                        }

                        _field.Append(ch);
                    }
                }
                else if (ch == ',')
                {
                    fields.Add(_field.ToString());
                    _field.Clear();
                    fieldStart = true;
                    afterQuote = false;
                    c = reader.Read();
                    continue;
                }
                else if (ch is '\n' or '\r')
                {
                    if (ch == '\r' && reader.Peek() == '\n')
                    {
                        reader.Read();
                    }

                    _line++;
                    fields.Add(_field.ToString());
                    return true;
                }
                else if (ch == '"' && fieldStart)
                {
                    quoted = true;
                }
                else if (ch == '"' || afterQuote)
                {
                    error ??= afterQuote
                        ? $"unexpected character '{ch}' after a closing quote (field {fields.Count + 1})"
                        : $"a quote inside an unquoted field (field {fields.Count + 1}); quote the field and double the quote";
                    _field.Append(ch);
                }
                else
                {
                    _field.Append(ch);
                }

                fieldStart = false;
                c = reader.Read();
            }
        }
    }
}
