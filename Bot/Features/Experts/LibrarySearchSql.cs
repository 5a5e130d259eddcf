namespace CrisisBot.Features.Experts;

/// <summary>
/// The full-text objects of the response library, created by the AddExpert migrations (raw SQL, so keep these calls when
/// regenerating the migrations). SQLite: an FTS5 table over <c>LibraryEntries</c> (external content, porter stemming,
/// diacritics folded) kept in sync by triggers. PostgreSQL: a GIN index on the English <c>tsvector</c> of the same text.
/// </summary>
public static class LibrarySearchSql
{
    public const string SqliteTable = "LibraryEntriesFts";

    public const string SqliteCreate = """
        CREATE VIRTUAL TABLE "LibraryEntriesFts" USING fts5(
            "Question", "CustomerReply", "ShortReply", "ProductName",
            content='LibraryEntries', content_rowid='Id', tokenize='porter unicode61 remove_diacritics 2');
        CREATE TRIGGER "LibraryEntries_fts_insert" AFTER INSERT ON "LibraryEntries" BEGIN
            INSERT INTO "LibraryEntriesFts"(rowid, "Question", "CustomerReply", "ShortReply", "ProductName")
            VALUES (new."Id", new."Question", new."CustomerReply", new."ShortReply", new."ProductName");
        END;
        CREATE TRIGGER "LibraryEntries_fts_delete" AFTER DELETE ON "LibraryEntries" BEGIN
            INSERT INTO "LibraryEntriesFts"("LibraryEntriesFts", rowid, "Question", "CustomerReply", "ShortReply", "ProductName")
            VALUES ('delete', old."Id", old."Question", old."CustomerReply", old."ShortReply", old."ProductName");
        END;
        CREATE TRIGGER "LibraryEntries_fts_update" AFTER UPDATE OF "Question", "CustomerReply", "ShortReply", "ProductName" ON "LibraryEntries" BEGIN
            INSERT INTO "LibraryEntriesFts"("LibraryEntriesFts", rowid, "Question", "CustomerReply", "ShortReply", "ProductName")
            VALUES ('delete', old."Id", old."Question", old."CustomerReply", old."ShortReply", old."ProductName");
            INSERT INTO "LibraryEntriesFts"(rowid, "Question", "CustomerReply", "ShortReply", "ProductName")
            VALUES (new."Id", new."Question", new."CustomerReply", new."ShortReply", new."ProductName");
        END;
        """;

    public const string SqliteDrop = """
        DROP TRIGGER IF EXISTS "LibraryEntries_fts_update";
        DROP TRIGGER IF EXISTS "LibraryEntries_fts_delete";
        DROP TRIGGER IF EXISTS "LibraryEntries_fts_insert";
        DROP TABLE IF EXISTS "LibraryEntriesFts";
        """;

    /// <summary>The document expression; the query must use exactly this text for the index to apply.</summary>
    public const string PostgresDocument =
        """to_tsvector('english', "Question" || ' ' || "CustomerReply" || ' ' || "ShortReply" || ' ' || "ProductName")""";

    public const string PostgresCreate = "CREATE INDEX \"IX_LibraryEntries_FullText\" ON \"LibraryEntries\" USING GIN (" + PostgresDocument + ");";

    public const string PostgresDrop = "DROP INDEX IF EXISTS \"IX_LibraryEntries_FullText\";";
}
