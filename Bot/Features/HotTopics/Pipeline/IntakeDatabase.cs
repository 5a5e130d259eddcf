using System.Data.Common;
using System.Runtime.CompilerServices;
using CrisisBot.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.HotTopics.Pipeline;

/// <summary>
/// Where the pipeline's database sessions come from. The pipeline's own rows are plain SQL (<c>IntakeCommands</c>), so
/// on SQLite a session without observers is a plain Microsoft.Data.Sqlite connection (set up like EF Core's: same
/// connection string and pool, same busy timeout); EF Core's context is built only when something needs it: observers
/// (they add entities to the context), PostgreSQL, or the HTTP batch path. The CLI import (no observers, SQLite) thus
/// never builds an EF Core context, model or service provider.
/// </summary>
public sealed class IntakeDatabase(IOptions<StorageOptions> options, IServiceProvider services)
{
    private IDbContextFactory<CrisisDbContext>? _contexts;

    /// <summary>EF Core's context factory, resolved on first use.</summary>
    internal IDbContextFactory<CrisisDbContext> Contexts => _contexts ??= services.GetRequiredService<IDbContextFactory<CrisisDbContext>>();

    /// <summary>True when a session without a context is a plain SQLite connection.</summary>
    internal bool IsPlainSqlite => options.Value.ParsedProvider == StorageProvider.Sqlite;

    /// <summary>An open session: an EF Core context when <paramref name="withContext"/> or not on SQLite, else a plain connection.</summary>
    internal IntakeSession Open(bool withContext) =>
        !withContext && IsPlainSqlite ? new PlainSqliteSession(SqliteConnections.Open(options.Value)) : OpenContextSession();

    /// <summary><see cref="Open"/>, asynchronously.</summary>
    internal Task<IntakeSession> OpenAsync(bool withContext, CancellationToken ct) =>
        !withContext && IsPlainSqlite ? Task.FromResult<IntakeSession>(new PlainSqliteSession(SqliteConnections.Open(options.Value))) : OpenContextSessionAsync(ct);

    // Apart, not inlined: a caller that takes the plain branch never loads an EF Core type.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ContextSession OpenContextSession() => ContextSession.Open(Contexts);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Task<IntakeSession> OpenContextSessionAsync(CancellationToken ct) => ContextSession.OpenAsync(Contexts, ct);
}

/// <summary>
/// One open connection of the pipeline, with at most one transaction at a time; with an EF Core context (observers add
/// their rows to it, saved before the commit) or without (a plain connection: nothing to save, no observers).
/// </summary>
internal abstract class IntakeSession : IDisposable, IAsyncDisposable
{
    public abstract DbConnection Connection { get; }

    /// <summary>The open transaction's ADO.NET object (for the prepared commands), null outside a transaction.</summary>
    public abstract DbTransaction? Transaction { get; }

    public abstract bool IsSqlite { get; }

    public abstract DbTransaction Begin();

    public abstract Task<DbTransaction> BeginAsync(CancellationToken ct);

    /// <summary>Tells <paramref name="observers"/> about <paramref name="batch"/> (inside the transaction) and saves their rows.</summary>
    public abstract Task NotifyAndSaveAsync(ITopicChangeObserver[] observers, TopicChangeBatch? batch, CancellationToken ct);

    public abstract void Commit();

    public abstract Task CommitAsync(CancellationToken ct);

    /// <summary>Ends the transaction (rolled back unless committed); the connection stays open. Nothing stays tracked.</summary>
    public abstract void EndTransaction();

    public abstract void Dispose();

    public abstract ValueTask DisposeAsync();
}

/// <summary>A plain SQLite connection: for sessions that run only the pipeline's own SQL.</summary>
internal sealed class PlainSqliteSession(SqliteConnection connection) : IntakeSession
{
    private SqliteTransaction? _transaction;

    public override DbConnection Connection => connection;

    public override DbTransaction? Transaction => _transaction;

    public override bool IsSqlite => true;

    public override DbTransaction Begin()
    {
        if (_transaction is not null)
        {
            throw new InvalidOperationException("a transaction is open already");
        }

        return _transaction = connection.BeginTransaction();
    }

    public override Task<DbTransaction> BeginAsync(CancellationToken ct) => Task.FromResult(Begin());

    public override Task NotifyAndSaveAsync(ITopicChangeObserver[] observers, TopicChangeBatch? batch, CancellationToken ct) =>
        observers.Length == 0 ? Task.CompletedTask : throw new InvalidOperationException("observers need a session with an EF Core context");

    public override void Commit() => (_transaction ?? throw new InvalidOperationException("no transaction")).Commit();

    public override Task CommitAsync(CancellationToken ct)
    {
        Commit();
        return Task.CompletedTask;
    }

    public override void EndTransaction()
    {
        var transaction = _transaction;
        _transaction = null;
        transaction?.Dispose();
    }

    public override void Dispose()
    {
        EndTransaction();
        connection.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>An EF Core context with its connection open (what every session was before the plain one).</summary>
internal sealed class ContextSession : IntakeSession
{
    private readonly CrisisDbContext _db;
    private IDbContextTransaction? _transaction;

    private ContextSession(CrisisDbContext db) => _db = db;

    public static ContextSession Open(IDbContextFactory<CrisisDbContext> contexts)
    {
        var db = contexts.CreateDbContext();
        try
        {
            db.Database.OpenConnection();
            return new ContextSession(db);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    public static async Task<IntakeSession> OpenAsync(IDbContextFactory<CrisisDbContext> contexts, CancellationToken ct)
    {
        var db = await contexts.CreateDbContextAsync(ct);
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            return new ContextSession(db);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    public override DbConnection Connection => _db.Database.GetDbConnection();

    public override DbTransaction? Transaction => _transaction?.GetDbTransaction();

    public override bool IsSqlite => _db.Database.IsSqlite();

    public override DbTransaction Begin()
    {
        _transaction = _db.Database.BeginTransaction();
        return _transaction.GetDbTransaction();
    }

    public override async Task<DbTransaction> BeginAsync(CancellationToken ct)
    {
        _transaction = await _db.Database.BeginTransactionAsync(ct);
        return _transaction.GetDbTransaction();
    }

    public override async Task NotifyAndSaveAsync(ITopicChangeObserver[] observers, TopicChangeBatch? batch, CancellationToken ct)
    {
        if (batch is not null)
        {
            foreach (var observer in observers)
            {
                await observer.OnTopicsChangedAsync(_db, batch, ct);
            }
        }

        // Only observers add entities to the context (the pipeline's own rows are raw SQL): without any, nothing to save.
        if (observers.Length > 0)
        {
            await _db.SaveChangesAsync(ct);
        }
    }

    public override void Commit() => (_transaction ?? throw new InvalidOperationException("no transaction")).Commit();

    public override Task CommitAsync(CancellationToken ct) => (_transaction ?? throw new InvalidOperationException("no transaction")).CommitAsync(ct);

    public override void EndTransaction()
    {
        var transaction = _transaction;
        _transaction = null;
        try
        {
            transaction?.Dispose();
        }
        finally
        {
            _db.ChangeTracker.Clear();
        }
    }

    public override void Dispose()
    {
        _transaction?.Dispose();
        _transaction = null;
        _db.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
            _transaction = null;
        }

        await _db.DisposeAsync();
    }
}
