using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Storage;

public static class StorageExtensions
{
    /// <summary>EF Core on SQLite (default) or PostgreSQL, chosen by Storage:Provider.</summary>
    /// <remarks>
    /// Options are read lazily (when the first context is created), so configuration added later—tests, environment—wins,
    /// and validation errors surface at startup from <see cref="MigrateStorageAsync"/> with the key to fix.
    /// </remarks>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .Configure(options => options.PostgresConnectionString = configuration.GetConnectionString("Postgres"))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddDbContextFactory<SqliteCrisisDbContext>((sp, db) =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            db.UseSqlite(SqliteConnections.BuildConnectionString(options))
                .AddInterceptors(new SqliteConnectionSetup(options.BusyTimeoutSeconds), WakeSignal.CommitInterceptor);
            SkipRuntimeModelDiff(db);
        });
        services.AddDbContextFactory<PostgresCrisisDbContext>((sp, db) =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            db.UseNpgsql(options.PostgresConnectionString).AddInterceptors(WakeSignal.CommitInterceptor);
            SkipRuntimeModelDiff(db);
        });
        services.AddSingleton<IDbContextFactory<CrisisDbContext>>(sp =>
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.ParsedProvider switch
            {
                StorageProvider.Postgres => new CrisisDbContextFactory<PostgresCrisisDbContext>(
                    sp.GetRequiredService<IDbContextFactory<PostgresCrisisDbContext>>()),
                _ => new CrisisDbContextFactory<SqliteCrisisDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteCrisisDbContext>>()),
            });
        services.AddSingleton<StorageHealth>();
        return services;
    }

    /// <summary>
    /// EF Core's <c>MigrateAsync</c> first diffs the model against the migrations' snapshot (PendingModelChangesWarning):
    /// building both models and the differ cost about half a second of CPU at every start that migrates. That check belongs
    /// in the tests (MigrationsTests: <c>HasPendingModelChanges()</c> is false for both providers), not in every start.
    /// </summary>
    private static void SkipRuntimeModelDiff(DbContextOptionsBuilder db) =>
        db.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));

    /// <summary>Applies EF Core migrations at startup.</summary>
    /// <exception cref="OptionsValidationException">The Storage options are invalid; the message names the key to fix.</exception>
    public static async Task MigrateStorageAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageExtensions).FullName!);
        var provider = options.ParsedProvider;

        if (provider == StorageProvider.Sqlite)
        {
            SqliteStorageMigration.CreateDataDirectory(options);
            StorageLog.Migrating(logger, "sqlite", options.SqliteDatabasePath);
        }
        else
        {
            StorageLog.Migrating(logger, "postgres", "ConnectionStrings:Postgres");
        }

        var factory = services.GetRequiredService<IDbContextFactory<CrisisDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        _ = db.Model; // built here once for the process (the start-up trace shows its cost apart from the migrations)
        services.GetService<Startup.StartupTrace>()?.Mark("EF Core model built");
        if (provider == StorageProvider.Sqlite)
        {
            // One connection for every SQLite step below (EF Core counts nested opens: the inner ones reuse it).
            await db.Database.OpenConnectionAsync(ct);
        }

        try
        {
            await MigrateOpenedAsync(services, db, provider, logger, ct);
        }
        finally
        {
            if (provider == StorageProvider.Sqlite)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private static async Task MigrateOpenedAsync(IServiceProvider services, CrisisDbContext db, StorageProvider provider, ILogger logger, CancellationToken ct)
    {
        if (provider == StorageProvider.Sqlite)
        {
            // WAL is a property of the database file: set once, it persists. Readers then never block the writer.
            var journalMode = await ExecuteScalarAsync(db, "PRAGMA journal_mode=WAL;", ct);
            StorageLog.JournalMode(logger, journalMode ?? "unknown");
        }

        List<string> pending;
        if (provider == StorageProvider.Postgres)
        {
            // Instances sharing a database start together: without a lock two of them apply the same migration and the
            // loser fails with "relation … already exists". A session advisory lock makes them take turns; the later
            // ones then find nothing pending.
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await ExecuteOnOpenConnectionAsync(db, $"SELECT pg_advisory_lock({PostgresMigrationLockKey});", ct);
                try
                {
                    pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
                    await db.Database.MigrateAsync(ct);
                }
                finally
                {
                    await ExecuteOnOpenConnectionAsync(db, $"SELECT pg_advisory_unlock({PostgresMigrationLockKey});", CancellationToken.None);
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        else
        {
            // EF Core's SQLite migration lock is a row in __EFMigrationsLock that MigrateAsync takes even when nothing is
            // pending, and a process killed while holding it (kill -9 during startup) leaves the row behind: every later
            // start then waits for it forever. So: take the lock only when a migration is pending, and clear a lock row
            // older than SqliteStaleMigrationLock first (SQLite is single-instance; migrations take well under that).
            // A new, empty file gets the whole schema from the script generated from the migrations (SqliteFreshSchema):
            // MigrateAsync would build every migration's model to produce the same SQL.
            var known = db.Database.GetMigrations().ToList();
            var created = await CreateFreshSqliteSchemaAsync(db, known, ct);
            if (created.Count > 0)
            {
                StorageLog.CreatedFromScript(logger, created.Count);
            }

            pending = created.Count == known.Count ? [] : await ApplyPendingSqliteMigrationsAsync(services, db, known, logger, ct);
        }

        if (pending.Count > 0)
        {
            StorageLog.Migrated(logger, pending.Count, string.Join(", ", pending));
        }
    }

    /// <summary>
    /// The SQLite migrations EF Core must apply (<see cref="SqliteStorageMigration"/> found some pending): the second half
    /// of <see cref="MigrateStorageAsync"/>, on a context of its own, after the first half ran on a plain connection.
    /// </summary>
    internal static async Task MigratePendingSqliteAsync(IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        var factory = services.GetRequiredService<IDbContextFactory<CrisisDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var pending = await ApplyPendingSqliteMigrationsAsync(services, db, db.Database.GetMigrations().ToList(), logger, ct);
            if (pending.Count > 0)
            {
                StorageLog.Migrated(logger, pending.Count, string.Join(", ", pending));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<List<string>> ApplyPendingSqliteMigrationsAsync(IServiceProvider services, CrisisDbContext db, List<string> known, ILogger logger, CancellationToken ct)
    {
        var pending = await PendingSqliteMigrationsAsync(db, known, ct);
        if (pending.Count > 0)
        {
            var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
            await ClearStaleSqliteMigrationLockAsync(db, time, logger, ct);
            await db.Database.MigrateAsync(ct);
        }

        return pending;
    }

    /// <summary>
    /// The migrations of <paramref name="known"/> not recorded in <c>__EFMigrationsHistory</c>, in order (what EF Core's
    /// <c>GetPendingMigrationsAsync</c> answers), read with one plain query on the open connection instead of EF Core's
    /// history repository (most of a restart's migration cost after the model). EF Core's own answer when the history
    /// table cannot be read (a database it never migrated).
    /// </summary>
    private static async Task<List<string>> PendingSqliteMigrationsAsync(CrisisDbContext db, List<string> known, CancellationToken ct) =>
        SqliteStorageMigration.AppliedMigrations(db.Database.GetDbConnection()) is { } applied
            ? known.Where(m => !applied.Contains(m)).ToList()
            : [.. await db.Database.GetPendingMigrationsAsync(ct)];

    private static async Task<IReadOnlyList<string>> CreateFreshSqliteSchemaAsync(CrisisDbContext db, List<string> known, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await SqliteFreshSchema.TryCreateAsync(db.Database.GetDbConnection(), SqliteFreshSchema.Script, known, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>A SQLite migration lock row older than this at startup was left by a killed process.</summary>
    internal static readonly TimeSpan SqliteStaleMigrationLock = TimeSpan.FromMinutes(1);

    private static async Task ClearStaleSqliteMigrationLockAsync(CrisisDbContext db, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        var table = await ExecuteScalarAsync(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock';", ct);
        if (table is null or "0")
        {
            return;
        }

        var stamp = await ExecuteScalarAsync(db, "SELECT \"Timestamp\" FROM \"__EFMigrationsLock\" LIMIT 1;", ct);
        if (stamp is null)
        {
            return;
        }

        var age = DateTimeOffset.TryParse(stamp, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var taken)
            ? time.GetUtcNow() - taken
            : TimeSpan.MaxValue;
        if (age < SqliteStaleMigrationLock)
        {
            return; // another process is migrating right now: MigrateAsync waits for it
        }

        StorageLog.StaleMigrationLock(logger, stamp);
        await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsLock\";", ct);
    }

    /// <summary>The PostgreSQL advisory lock key held while migrating (an arbitrary constant: "CrisisBot" in ASCII, truncated).</summary>
    internal const long PostgresMigrationLockKey = 0x43726973697342;

    private static async Task ExecuteOnOpenConnectionAsync(CrisisDbContext db, string sql, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
#pragma warning disable CA2100 // constant SQL, no user input
        command.CommandText = sql;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>GET /healthz: 200 when storage is reachable, 503 otherwise. No auth.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", async (StorageHealth health, IServiceProvider services, CancellationToken ct) =>
            {
                var reachable = await health.IsReachableAsync(ct);
                var response = new HealthResponse(reachable ? "healthy" : "unhealthy", health.ProviderName);

                // Dead-lettered outbox rows: still 200 (the bot works), but "degraded" so monitoring notices.
                var dead = reachable && services.GetService<Outbox.OutboxAdmin>() is { } outbox ? await outbox.CountDeadAsync(ct) : 0;
                if (dead > 0)
                {
                    response = response with { Status = "degraded", DeadLetters = dead };
                }

                if (reachable && services.GetService<Startup.StartupTrace>() is { IsReported: false } startup)
                {
                    startup.MarkReady("first healthy /healthz", services.GetRequiredService<ILoggerFactory>().CreateLogger("CrisisBot.Startup"));
                }

                return Results.Json(
                    response,
                    StorageJsonContext.Default.HealthResponse,
                    statusCode: reachable ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            })
            .AllowAnonymous()
            .WithName("Health");
        return app;
    }

    private static async Task<string?> ExecuteScalarAsync(CrisisDbContext db, string sql, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // constant SQL, no user input
            command.CommandText = sql;
#pragma warning restore CA2100
            return (await command.ExecuteScalarAsync(ct))?.ToString();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
