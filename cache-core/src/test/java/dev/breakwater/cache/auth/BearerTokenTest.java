package dev.breakwater.cache.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class BearerTokenTest {

  @Test
  void findsTheTokenAsTheApiserverDoes() {
    assertThat(BearerToken.parse("Bearer abc")).contains("abc");
    assertThat(BearerToken.parse("bEaReR abc")).contains("abc");
    assertThat(BearerToken.parse("  Bearer abc \t")).contains("abc");
    assertThat(BearerToken.parse("Bearer abc def")).contains("abc"); // SplitN(…, 3): the third part is ignored
  }

  @Test
  void noTokenForEmptyOtherSchemesAndLeadingSpace() {
    assertThat(BearerToken.parse(null)).isEmpty();
    assertThat(BearerToken.parse("")).isEmpty();
    assertThat(BearerToken.parse("   ")).isEmpty();
    assertThat(BearerToken.parse("Bearer")).isEmpty();
    assertThat(BearerToken.parse("Bearer ")).isEmpty();
    assertThat(BearerToken.parse("Bearer  abc")).isEmpty(); // "the space before the token case"
    assertThat(BearerToken.parse("Basic dXNlcjpwYXNz")).isEmpty();
    assertThat(BearerToken.parse("Bearerabc")).isEmpty();
  }

  @Test
  void hugeAndNonAsciiTokensArePassedOnUninterpreted() {
    String huge = "x".repeat(200_000);
    assertThat(BearerToken.parse("Bearer " + huge)).contains(huge);
    assertThat(BearerToken.parse("Bearer t\u00e9\u00ff")).contains("t\u00e9\u00ff");
    // a lone non-ASCII byte is not Go white space: not trimmed
    assertThat(BearerToken.parse("Bearer abc\u00a0")).contains("abc\u00a0");
  }

  @Test
  void digestIsHexSha256AndNeverTheToken() {
    assertThat(BearerToken.digest("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(BearerToken.digest("secret-token")).doesNotContain("secret");
  }

  @Property
  void neverThrowsAndATokenHasNoSpace(@ForAll String header) {
    Optional<String> t = BearerToken.parse(header);
    t.ifPresent(token -> {
      assertThat(token).isNotEmpty().doesNotContain(" ");
      assertThat(header.toLowerCase(java.util.Locale.ROOT)).contains("bearer");
    });
  }

  @Property
  void roundTrip(@ForAll("tokens") String token) {
    assertThat(BearerToken.parse("Bearer " + token)).contains(token);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> tokens() {
    return net.jqwik.api.Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(4096);
  }
}
