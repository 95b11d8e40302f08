package dev.breakwater.cache.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReviewsTest {

  @Test
  void subjectAccessReviewCarriesEveryAttribute() {
    UserInfo u = new UserInfo("alice", "uid-1", List.of("g1", "system:authenticated"), Map.of("scopes", List.of("a", "b")));
    String body = new String(Reviews.subjectAccessReview(Attributes.resource(u, "get", "apps", "v1", "ns", "deployments", "scale", "d")),
        StandardCharsets.UTF_8);
    assertThat(body).isEqualTo("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{"
        + "\"resourceAttributes\":{\"namespace\":\"ns\",\"verb\":\"get\",\"group\":\"apps\",\"version\":\"v1\",\"resource\":\"deployments\","
        + "\"subresource\":\"scale\",\"name\":\"d\"},\"user\":\"alice\",\"groups\":[\"g1\",\"system:authenticated\"],"
        + "\"extra\":{\"scopes\":[\"a\",\"b\"]},\"uid\":\"uid-1\"}}");
  }

  @Test
  void decisions() throws Exception {
    assertThat(Reviews.decision("{\"status\":{\"allowed\":true,\"reason\":\"RBAC: allowed\"}}".getBytes()).allowed()).isTrue();
    assertThat(Reviews.decision("{\"status\":{\"allowed\":false}}".getBytes()).allowed()).isFalse();
    assertThat(Reviews.decision("{\"status\":{}}".getBytes()).allowed()).isFalse();
    assertThat(Reviews.decision("{\"status\":{\"allowed\":true,\"denied\":true}}".getBytes()).allowed()).isFalse();
    assertThatThrownBy(() -> Reviews.decision("not json".getBytes())).isInstanceOf(Reviews.MalformedReviewException.class);
    assertThatThrownBy(() -> Reviews.decision("{}".getBytes())).isInstanceOf(Reviews.MalformedReviewException.class);
  }

  @Test
  void tokenResults() throws Exception {
    var ok = Reviews.tokenResult(("{\"status\":{\"authenticated\":true,\"user\":{\"username\":\"sa\",\"uid\":\"1\","
        + "\"groups\":[\"system:serviceaccounts\"],\"extra\":{\"k\":[\"v\"]}},\"audiences\":[\"api\"]}}").getBytes(), List.of());
    assertThat(ok.user()).contains(new UserInfo("sa", "1", List.of("system:serviceaccounts"), Map.of("k", List.of("v"))));
    assertThat(Reviews.tokenResult("{\"status\":{\"authenticated\":false,\"error\":\"bad\"}}".getBytes(), List.of()).authenticated()).isFalse();
    var wrongAudience = Reviews.tokenResult("{\"status\":{\"authenticated\":true,\"user\":{\"username\":\"x\"},\"audiences\":[\"other\"]}}"
        .getBytes(), List.of("breakwater"));
    assertThat(wrongAudience.authenticated()).isFalse();
    assertThat(new String(Reviews.tokenReview("t", List.of("a")), StandardCharsets.UTF_8))
        .isEqualTo("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\"t\",\"audiences\":[\"a\"]}}");
  }

  @Test
  void impersonationChecksAndResultingUser() throws Exception {
    Headers h = headers(Map.of("Impersonate-User", List.of("system:serviceaccount:ns:sa"), "Impersonate-Extra-Scopes", List.of("x")));
    var r = Impersonation.parse(h, UserInfo.of("admin", List.of())).orElseThrow();
    assertThat(r.wanted().groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:ns", "system:authenticated");
    assertThat(r.checks()).extracting(Attributes::resource).containsExactly("serviceaccounts", "userextras");
    assertThat(r.checks().get(1).subresource()).isEqualTo("scopes");
    assertThatThrownBy(() -> Impersonation.parse(headers(Map.of("Impersonate-Group", List.of("g"))), UserInfo.of("a", List.of())))
        .isInstanceOf(Impersonation.BadImpersonation.class);
    assertThat(Impersonation.parse(headers(Map.of()), UserInfo.of("a", List.of()))).isEmpty();
  }

  @Test
  void frontProxyHeaders() {
    var rh = new RequestHeaderIdentity(List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"));
    var u = rh.user(headers(Map.of("x-remote-user", List.of("bob"), "X-Remote-Group", List.of("g1", "", "g2"),
        "X-Remote-Extra-Acme.com%2Fproject", List.of("p"))));
    assertThat(u).contains(new UserInfo("bob", "", List.of("g1", "g2"), Map.of("acme.com/project", List.of("p"))));
    assertThat(rh.user(headers(Map.of("X-Remote-Group", List.of("g"))))).isEmpty();
    assertThat(rh.isAuthenticationHeader("x-remote-extra-foo")).isTrue();
    assertThat(rh.isAuthenticationHeader("X-Remote-Userx")).isFalse();
  }

  static Headers headers(Map<String, List<String>> m) {
    return new Headers() {
      @Override
      public List<String> all(String name) {
        return m.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).flatMap(e -> e.getValue().stream()).toList();
      }

      @Override
      public List<String> names() {
        return List.copyOf(m.keySet());
      }
    };
  }
}
