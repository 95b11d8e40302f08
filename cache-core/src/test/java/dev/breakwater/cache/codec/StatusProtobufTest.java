package dev.breakwater.cache.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.FieldError;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Goldens: the bodies kube-apiserver 1.36.3 sent with {@code Accept: application/vnd.kubernetes.protobuf}. */
class StatusProtobufTest {

  static byte[] golden(String base64) {
    return Base64.getDecoder().decode(base64);
  }

  @Test
  void notAcceptableOfACustomResource() {
    assertThat(StatusProtobuf.encode(ApiStatus.notAcceptable(
        List.of("application/json", "application/yaml", "application/vnd.kubernetes.protobuf")))).isEqualTo(golden(
        "azhzAAoMCgJ2MRIGU3RhdHVzEpkBCgYKABIAGgASB0ZhaWx1cmUadG9ubHkgdGhlIGZvbGxvd2luZyBtZWRpYSB0eXBlcyBhcmUgYWNjZXB0ZWQ6IGFw"
            + "cGxpY2F0aW9uL2pzb24sIGFwcGxpY2F0aW9uL3lhbWwsIGFwcGxpY2F0aW9uL3ZuZC5rdWJlcm5ldGVzLnByb3RvYnVmIg1Ob3RBY2NlcHRhYmxlMJYD"
            + "GgAiAA=="));
  }

  @Test
  void notFoundHasDetailsWithEveryField() {
    assertThat(StatusProtobuf.encode(ApiStatus.notFound("", "configmaps", "nope"))).isEqualTo(golden(
        "azhzAAoMCgJ2MRIGU3RhdHVzElUKBgoAEgAaABIHRmFpbHVyZRobY29uZmlnbWFwcyAibm9wZSIgbm90IGZvdW5kIghOb3RGb3VuZCoYCgRub3BlEgAa"
            + "CmNvbmZpZ21hcHMoADIAMJQDGgAiAA=="));
  }

  @Test
  void expiredHasNoDetails() {
    assertThat(StatusProtobuf.encode(ApiStatus.listTooOld())).isEqualTo(golden(
        "azhzAAoMCgJ2MRIGU3RhdHVzElQKBgoAEgAaABIHRmFpbHVyZRo1VGhlIHJlc291cmNlVmVyc2lvbiBmb3IgdGhlIHByb3ZpZGVkIGxpc3QgaXMgdG9v"
            + "IG9sZC4iB0V4cGlyZWQwmgMaACIA"));
  }

  @Test
  void invalidCarriesItsCauses() {
    String forbidden = "resourceVersionMatch is forbidden unless resourceVersion is provided";
    assertThat(StatusProtobuf.encode(ApiStatus.invalidListOptions(List.of(FieldError.forbidden("resourceVersionMatch", forbidden)))))
        .isEqualTo(golden("azhzAAoMCgJ2MRIGU3RhdHVzEs0CCgYKABIAGgASB0ZhaWx1cmUajAFMaXN0T3B0aW9ucy5tZXRhLms4cy5pbyAiIiBpcyBpbnZh"
            + "bGlkOiByZXNvdXJjZVZlcnNpb25NYXRjaDogRm9yYmlkZGVuOiByZXNvdXJjZVZlcnNpb25NYXRjaCBpcyBmb3JiaWRkZW4gdW5sZXNzIHJlc291cmNl"
            + "VmVyc2lvbiBpcyBwcm92aWRlZCIHSW52YWxpZCqeAQoAEgttZXRhLms4cy5pbxoLTGlzdE9wdGlvbnMifAoTRmllbGRWYWx1ZUZvcmJpZGRlbhJPRm9y"
            + "YmlkZGVuOiByZXNvdXJjZVZlcnNpb25NYXRjaCBpcyBmb3JiaWRkZW4gdW5sZXNzIHJlc291cmNlVmVyc2lvbiBpcyBwcm92aWRlZBoUcmVzb3VyY2VW"
            + "ZXJzaW9uTWF0Y2goADIAMKYDGgAiAA=="));
  }

  @Test
  void retryAfterAndContinueAreWritten() {
    byte[] b = StatusProtobuf.encode(ApiStatus.storageInitializing(1));
    // details: name, group, kind empty, retryAfterSeconds 1 (field 5 varint), uid empty
    assertThat(b).containsSequence(0x2a, 0x0a, 0x0a, 0x00, 0x12, 0x00, 0x1a, 0x00, 0x28, 0x01, 0x32, 0x00);
    byte[] expired = StatusProtobuf.encode(ApiStatus.continueExpired("tok"));
    assertThat(expired).containsSequence(0x0a, 0x09, 0x0a, 0x00, 0x12, 0x00, 0x1a, 0x03, 't', 'o', 'k');
  }
}
