using CrisisBot.Protocol.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisBot.Tests.Protocol.Auth;

public class EndorsementSetTests
{
    [Fact]
    public void ParseJwks_KeysWithEndorsements_IndexesByKid()
    {
        const string jwks = """
            {"keys":[
              {"kty":"RSA","kid":"a","n":"x","e":"AQAB","endorsements":["msteams","webchat"]},
              {"kty":"RSA","kid":"b","n":"x","e":"AQAB"},
              {"kty":"RSA","kid":"c","n":"x","e":"AQAB","endorsements":"msteams"},
              {"kty":"RSA","n":"x","e":"AQAB","endorsements":["msteams"]}
            ]}
            """;

        var set = EndorsementSet.ParseJwks(jwks);

        Assert.Equal(["msteams", "webchat"], set.For("a"));
        Assert.Null(set.For("b"));
        Assert.Null(set.For("c"));
        Assert.Null(set.For(null));
        Assert.Single(set.ByKeyId);
    }

    [Theory]
    [InlineData("http://login.botframework.com/v1/.well-known/openidconfiguration")]
    [InlineData("ftp://localhost/keys")]
    [InlineData("https://user:pw@login.botframework.com/keys")]
    public async Task GetDocumentAsync_NonHttpsNonLoopback_IsRefusedBeforeAnyRequest(string address)
    {
        var handler = new CountingHandler();
        await using var services = new ServiceCollection()
            .AddHttpClient(OpenIdDocumentRetriever.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler).Services
            .BuildServiceProvider();
        var retriever = new OpenIdDocumentRetriever(services.GetRequiredService<IHttpClientFactory>());

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => retriever.GetDocumentAsync(address, CancellationToken.None));

        Assert.Contains("https is required", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Requests);
    }

    [Theory]
    [InlineData("http://localhost/keys")]
    [InlineData("http://127.0.0.1:8080/keys")]
    [InlineData("https://login.botframework.com/v1/.well-known/keys")]
    public async Task GetDocumentAsync_HttpsOrLoopback_IsFetched(string address)
    {
        var handler = new CountingHandler();
        await using var services = new ServiceCollection()
            .AddHttpClient(OpenIdDocumentRetriever.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler).Services
            .BuildServiceProvider();
        var retriever = new OpenIdDocumentRetriever(services.GetRequiredService<IHttpClientFactory>());

        var document = await retriever.GetDocumentAsync(address, CancellationToken.None);

        Assert.Equal("{\"keys\":[]}", document);
        Assert.Equal(1, handler.Requests);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("{\"keys\":[]}") });
        }
    }
}
