using Npgsql;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace CrisisBot.Tests.Infrastructure.Storage;

/// <summary>
/// The PostgreSQL server of the test run: <c>CRISISBOT_TEST_POSTGRES</c> (an Npgsql connection string, exported by
/// scripts/postgres.sh) or, when the script's setup failed, <c>CRISISBOT_TEST_POSTGRES_ERROR</c> (the tests then fail
/// with that error instead of skipping). Each test gets its own database, dropped afterwards.
/// </summary>
internal static class PostgresTestServer
{
    public const string Variable = "CRISISBOT_TEST_POSTGRES";
    public const string ErrorVariable = "CRISISBOT_TEST_POSTGRES_ERROR";
    public const string SkipReason = "set " + Variable + "; scripts/test.sh does";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static string? SetupError => Environment.GetEnvironmentVariable(ErrorVariable) is { Length: > 0 } value ? value : null;

    /// <summary>Null when the Postgres tests run (or must fail with the setup error), the skip reason otherwise.</summary>
    public static string? Skip => ConnectionString is null && SetupError is null ? SkipReason : null;

    /// <summary>Creates a database with a unique name; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        if (SetupError is { } error)
        {
            throw new InvalidOperationException(error);
        }

        var server = ConnectionString ?? throw new InvalidOperationException(SkipReason);
        var name = $"crisisbot_t_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the name is a generated identifier
            command.CommandText = $"CREATE DATABASE \"{name}\"";
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/> (closing its pooled connections first).</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString!);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the name is a generated identifier
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// Marks a test class whose tests run on PostgreSQL: its <see cref="StorageFactAttribute"/> tests are skipped with
/// "set CRISISBOT_TEST_POSTGRES; scripts/test.sh does" when no server is configured (never silently passed).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PostgresTestsAttribute : Attribute;

/// <summary>
/// A [Fact] that a test class can inherit into a PostgreSQL variant (a subclass marked <see cref="PostgresTestsAttribute"/>):
/// there it is skipped when <c>CRISISBOT_TEST_POSTGRES</c> is absent.
/// </summary>
[XunitTestCaseDiscoverer("CrisisBot.Tests.Infrastructure.Storage.StorageFactDiscoverer", "Bot.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StorageFactAttribute : FactAttribute;

/// <summary>A [Fact] that only runs on PostgreSQL (skipped with the reason when no server is configured).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = PostgresTestServer.Skip!;
}

/// <summary>A [Theory] that a test class can inherit into a PostgreSQL variant (see <see cref="StorageFactAttribute"/>).</summary>
[XunitTestCaseDiscoverer("CrisisBot.Tests.Infrastructure.Storage.StorageTheoryDiscoverer", "Bot.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StorageTheoryAttribute : TheoryAttribute;

public sealed class StorageFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        PostgresTestCase.SkippedVariant(DiagnosticMessageSink, discoveryOptions, testMethod) ?? base.Discover(discoveryOptions, testMethod, factAttribute);
}

public sealed class StorageTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        PostgresTestCase.SkippedVariant(DiagnosticMessageSink, discoveryOptions, testMethod) ?? base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

/// <summary>A test case whose skip reason is read from the environment when it runs.</summary>
public sealed class PostgresTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public PostgresTestCase()
    {
    }

    public PostgresTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod)
        : base(sink, display, options, testMethod)
    {
    }

    /// <summary>One skipped test case when <paramref name="testMethod"/> belongs to a [PostgresTests] class and no server is configured.</summary>
    internal static IXunitTestCase[]? SkippedVariant(IMessageSink sink, ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        ArgumentNullException.ThrowIfNull(testMethod);
        var postgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(PostgresTestsAttribute)).Any();
        return postgres && PostgresTestServer.Skip is not null
            ? [new PostgresTestCase(sink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)]
            : null;
    }

    protected override string? GetSkipReason(IAttributeInfo factAttribute) => PostgresTestServer.Skip;
}
