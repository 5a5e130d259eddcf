using CrisisBot.Infrastructure.Storage;

namespace CrisisBot.Tests.Infrastructure.Storage;

public sealed class StorageOptionsValidatorTests
{
    private static string? Validate(StorageOptions options)
    {
        var result = new StorageOptionsValidator().Validate(null, options);
        return result.Succeeded ? null : result.FailureMessage;
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("sqlite")]
    [InlineData(" SQLITE ")]
    public void Validate_SqliteDefaults_Succeed(string provider) =>
        Assert.Null(Validate(new StorageOptions { Provider = provider }));

    [Theory]
    [InlineData("MySql")]
    [InlineData("1")]
    [InlineData("")]
    public void Validate_UnknownProvider_NamesKeyAndChoices(string provider)
    {
        var message = Validate(new StorageOptions { Provider = provider });

        Assert.NotNull(message);
        Assert.Contains($"Storage:Provider '{provider}' is not supported. Use 'Sqlite'", message, StringComparison.Ordinal);
        Assert.Contains("'Postgres'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PostgresWithoutConnectionString_NamesConnectionStringKey()
    {
        var message = Validate(new StorageOptions { Provider = "Postgres", PostgresConnectionString = " " });

        Assert.NotNull(message);
        Assert.Contains("ConnectionStrings:Postgres is empty", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PostgresWithConnectionString_Succeeds() =>
        Assert.Null(Validate(new StorageOptions { Provider = "postgres", PostgresConnectionString = "Host=127.0.0.1;Database=crisisbot" }));

    [Theory]
    [InlineData(0)]
    [InlineData(301)]
    public void Validate_BusyTimeoutOutOfRange_Fails(int seconds) =>
        Assert.Contains("Storage:BusyTimeoutSeconds must be between 1 and 300", Validate(new StorageOptions { BusyTimeoutSeconds = seconds }), StringComparison.Ordinal);

    [Fact]
    public void Validate_EmptyDataDirectory_Fails() =>
        Assert.Contains("Storage:DataDirectory is empty", Validate(new StorageOptions { DataDirectory = " " }), StringComparison.Ordinal);

    [Fact]
    public void SqliteDatabasePath_RelativeDirectory_ResolvedAgainstWorkingDirectory()
    {
        var options = new StorageOptions { DataDirectory = "./data" };

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "data", "crisisbot.db"), options.SqliteDatabasePath);
    }
}
