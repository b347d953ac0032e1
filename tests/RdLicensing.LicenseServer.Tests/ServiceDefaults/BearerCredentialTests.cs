using RdLicensing.ServiceDefaults;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Tests.ServiceDefaults;

/// <summary>The one bearer-credential helper: how a header is read, and how a token is compared with a stored hash.</summary>
public sealed class BearerCredentialTests
{
    private static readonly string Token = LicenseStore.NewToken("rdla");

    [Fact]
    public void A_missing_or_empty_header_is_anonymous_not_a_failure()
    {
        Assert.Equal(new BearerHeader(BearerHeaderStatus.Missing, null), BearerCredential.Parse(null));
        Assert.Equal(new BearerHeader(BearerHeaderStatus.Missing, null), BearerCredential.Parse(""));
    }

    [Theory]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    [InlineData("Digest username=\"admin\"")]
    [InlineData("rdla_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // a bare token, no scheme
    [InlineData("Bearer")]                                          // the scheme with nothing after it, not even the space
    [InlineData("Bearer\trdla_x")]
    [InlineData("Bearerrdla_x")]
    [InlineData(" Bearer rdla_x")]
    public void Another_scheme_or_a_malformed_header_is_wrong_scheme(string header) =>
        Assert.Equal(new BearerHeader(BearerHeaderStatus.WrongScheme, null), BearerCredential.Parse(header));

    [Fact]
    public void An_empty_or_oversized_token_is_refused_before_any_lookup()
    {
        Assert.Equal(BearerHeaderStatus.EmptyOrTooLong, BearerCredential.Parse("Bearer ").Status);
        Assert.Equal(BearerHeaderStatus.EmptyOrTooLong, BearerCredential.Parse("Bearer    ").Status);
        Assert.Equal(BearerHeaderStatus.EmptyOrTooLong, BearerCredential.Parse("Bearer " + new string('a', BearerCredential.MaxTokenLength + 1)).Status);
        // Positive control: the longest token allowed is read.
        Assert.Equal(BearerHeaderStatus.Present, BearerCredential.Parse("Bearer " + new string('a', BearerCredential.MaxTokenLength)).Status);
    }

    [Fact]
    public void A_well_formed_header_gives_the_token_trimmed_with_the_scheme_in_any_case()
    {
        Assert.Equal(new BearerHeader(BearerHeaderStatus.Present, Token), BearerCredential.Parse("Bearer " + Token));
        Assert.Equal(new BearerHeader(BearerHeaderStatus.Present, Token), BearerCredential.Parse("bearer  " + Token + " "));
        Assert.Equal(new BearerHeader(BearerHeaderStatus.Present, Token), BearerCredential.Parse("BEARER " + Token));
    }

    [Fact]
    public void Only_the_token_whose_hash_is_stored_matches()
    {
        var stored = LicenseStore.HashToken(Token);

        Assert.True(BearerCredential.HashMatches(stored, LicenseStore.HashToken(Token)));                 // positive control
        Assert.False(BearerCredential.HashMatches(stored, LicenseStore.HashToken(Token + "x")));         // one character more
        Assert.False(BearerCredential.HashMatches(stored, LicenseStore.HashToken(Token[..^1])));         // one character less
        Assert.False(BearerCredential.HashMatches(stored, LicenseStore.HashToken(LicenseStore.NewToken("rdla")))); // another token
        Assert.False(BearerCredential.HashMatches(stored, LicenseStore.HashToken(stored)));               // the stored hash as a token
        Assert.False(BearerCredential.HashMatches(stored, stored.ToUpperInvariant()));                    // the same hash, other case
        Assert.False(BearerCredential.HashMatches(stored, stored[..32]));                                  // a prefix of it
        Assert.False(BearerCredential.HashMatches(null, LicenseStore.HashToken(Token)));                  // nothing stored
    }

    [Fact]
    public void Attach_sends_the_token_as_a_bearer_credential()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/");
        BearerCredential.Attach(request, Token);
        Assert.Equal("Bearer " + Token, request.Headers.Authorization?.ToString());
        Assert.Equal(new BearerHeader(BearerHeaderStatus.Present, Token), BearerCredential.Parse(request.Headers.Authorization?.ToString()));

        using var client = new HttpClient();
        BearerCredential.Attach(client, Token);
        Assert.Equal("Bearer " + Token, client.DefaultRequestHeaders.Authorization?.ToString());
    }
}
