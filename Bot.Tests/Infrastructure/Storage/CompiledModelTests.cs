using System.Globalization;
using System.Text;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CrisisBot.Tests.Infrastructure.Storage;

/// <summary>
/// The EF Core compiled models (<c>Infrastructure/Storage/CompiledModels</c>, used at run time instead of building the
/// model at every start) must describe exactly the model that <c>OnModelCreating</c> builds. When an entity or an
/// <c>IEntityTypeConfiguration</c> changes, regenerate them with <c>bash scripts/ef-compiled-models.sh</c>.
/// </summary>
public sealed class CompiledModelTests
{
    private const string Regenerate = "The EF Core compiled model is stale: run `bash scripts/ef-compiled-models.sh` (see Infrastructure/Storage/Migrations/README.md).";

    private static SqliteCrisisDbContext Sqlite() =>
        new(new DbContextOptionsBuilder<SqliteCrisisDbContext>().UseSqlite("Data Source=:memory:").Options);

    private static PostgresCrisisDbContext Postgres() =>
        new(new DbContextOptionsBuilder<PostgresCrisisDbContext>().UseNpgsql("Host=127.0.0.1;Port=1;Database=never_opened").Options);

    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    private static DbContext Context(string provider) => provider == "sqlite" ? Sqlite() : Postgres();

    [Theory]
    [MemberData(nameof(Providers))]
    public void CompiledModel_IsTheOneUsedAtRunTime(string provider)
    {
        using var db = Context(provider);

        // A generated model is a RuntimeModel subclass in CompiledModels/; a model built from OnModelCreating is not.
        Assert.Equal($"CrisisBot.Infrastructure.Storage.CompiledModels.{(provider == "sqlite" ? "Sqlite" : "Postgres")}", db.Model.GetType().Namespace);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void CompiledModel_SameTablesColumnsKeysAndIndexesAsOnModelCreating(string provider)
    {
        using var db = Context(provider);
        var built = db.GetService<IDesignTimeModel>().Model; // OnModelCreating, never the compiled model

        AssertSame(DescribeTables(built.GetRelationalModel()), DescribeTables(db.Model.GetRelationalModel()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void CompiledModel_SameEntitiesPropertiesConvertersAndRelationshipsAsOnModelCreating(string provider)
    {
        using var db = Context(provider);
        var built = db.GetService<IDesignTimeModel>().Model;

        AssertSame(Describe(built), Describe(db.Model));
    }

    private static void AssertSame(string built, string compiled)
    {
        var expected = built.Split('\n');
        var actual = compiled.Split('\n');

        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{Regenerate}\nOnModelCreating has, the compiled model lacks:\n  {string.Join("\n  ", missing)}\nthe compiled model has, OnModelCreating lacks:\n  {string.Join("\n  ", extra)}");
    }

    /// <summary>The database schema the model maps to (what the migrations create).</summary>
    private static string DescribeTables(IRelationalModel model)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        foreach (var table in model.Tables.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            text.Append(inv, $"table {table.Schema}.{table.Name} pk {table.PrimaryKey?.Name} ({string.Join(",", table.PrimaryKey?.Columns.Select(c => c.Name) ?? [])})\n");
            foreach (var column in table.Columns.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                text.Append(inv, $"  {table.Name}.{column.Name} {column.StoreType} nullable={column.IsNullable}\n");
            }

            foreach (var index in table.Indexes.OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                text.Append(inv, $"  {table.Name} index {index.Name} ({string.Join(",", index.Columns.Select(c => c.Name))}) unique={index.IsUnique} filter={index.Filter}\n");
            }

            foreach (var fk in table.ForeignKeyConstraints.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                text.Append(inv, $"  {table.Name} fk {fk.Name} ({string.Join(",", fk.Columns.Select(c => c.Name))}) → {fk.PrincipalTable.Name} on delete {fk.OnDeleteAction}\n");
            }

            foreach (var unique in table.UniqueConstraints.OrderBy(u => u.Name, StringComparer.Ordinal))
            {
                text.Append(inv, $"  {table.Name} unique {unique.Name} ({string.Join(",", unique.Columns.Select(c => c.Name))})\n");
            }
        }

        return text.ToString().TrimEnd('\n');
    }

    /// <summary>What the runtime relies on beyond the tables: CLR members, value converters, keys, relationships.</summary>
    private static string Describe(IModel model)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        foreach (var entity in model.GetEntityTypes().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            text.Append(inv, $"entity {entity.Name} table {entity.GetTableName()} base {entity.BaseType?.Name}\n");
            foreach (var property in entity.GetProperties())
            {
                var mapping = property.GetTypeMapping();
                text.Append(inv, $"  {entity.Name}.{property.Name}: {property.ClrType.Name} nullable={property.IsNullable} ")
                    .Append(inv, $"field={property.FieldInfo?.Name} store={(mapping as RelationalTypeMapping)?.StoreType} converter={mapping.Converter?.GetType().Name} ")
                    .Append(inv, $"generated={property.ValueGenerated} concurrency={property.IsConcurrencyToken} maxLength={property.GetMaxLength()}\n");
            }

            foreach (var key in entity.GetKeys())
            {
                text.Append(inv, $"  {entity.Name} key ({string.Join(",", key.Properties.Select(p => p.Name))}) primary={key.IsPrimaryKey()}\n");
            }

            foreach (var fk in entity.GetForeignKeys())
            {
                text.Append(inv, $"  {entity.Name} fk ({string.Join(",", fk.Properties.Select(p => p.Name))}) → {fk.PrincipalEntityType.Name} ")
                    .Append(inv, $"delete={fk.DeleteBehavior} unique={fk.IsUnique} required={fk.IsRequired}\n");
            }

            foreach (var navigation in entity.GetNavigations())
            {
                text.Append(inv, $"  {entity.Name} navigation {navigation.Name} → {navigation.TargetEntityType.Name} collection={navigation.IsCollection}\n");
            }

            foreach (var index in entity.GetIndexes())
            {
                text.Append(inv, $"  {entity.Name} index ({string.Join(",", index.Properties.Select(p => p.Name))}) unique={index.IsUnique}\n");
            }
        }

        return text.ToString().TrimEnd('\n');
    }
}
