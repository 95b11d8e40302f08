package dev.breakwater.cache.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.status.ApiStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The 403 bodies, byte for byte as the apiserver writes them (text from responsewriters/errors.go). */
class AttributesTest {

  static final UserInfo U = UserInfo.of("u", List.of("system:authenticated"));

  @Test
  void namespacedList() {
    ApiStatus s = Attributes.resource(U, "list", "", "v1", "ns", "configmaps", "", "").forbidden("");
    assertThat(new String(s.toJson(), StandardCharsets.UTF_8)).isEqualTo(
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"configmaps is forbidden: "
            + "User \\\"u\\\" cannot list resource \\\"configmaps\\\" in API group \\\"\\\" in the namespace \\\"ns\\\"\","
            + "\"reason\":\"Forbidden\",\"details\":{\"kind\":\"configmaps\"},\"code\":403}");
  }

  @Test
  void clusterScopeGroupNameAndReason() {
    ApiStatus s = Attributes.resource(U, "get", "apps", "v1", "", "deployments", "", "d1").forbidden("no rule");
    assertThat(s.message()).isEqualTo(
        "deployments.apps \"d1\" is forbidden: User \"u\" cannot get resource \"deployments\" in API group \"apps\" at the cluster scope: no rule");
    assertThat(s.details().group()).isEqualTo("apps");
    assertThat(s.details().kind()).isEqualTo("deployments");
    assertThat(s.details().name()).isEqualTo("d1");
  }

  @Test
  void subresourceAndSanitizedUser() {
    Attributes a = Attributes.resource(UserInfo.of("<b>&", List.of()), "impersonate", "authentication.k8s.io", "v1", "",
        "userextras", "scopes", "v");
    assertThat(a.forbidden("").message()).isEqualTo("userextras.authentication.k8s.io \"v\" is forbidden: User \"&lt;b&gt;&amp;\" "
        + "cannot impersonate resource \"userextras/scopes\" in API group \"authentication.k8s.io\" at the cluster scope");
  }

  @Test
  void equalRequestsAreEqualKeysAndDifferentGroupsAreNot() {
    Attributes a = Attributes.resource(U, "list", "", "v1", "ns", "configmaps", "", "");
    assertThat(a).isEqualTo(Attributes.resource(UserInfo.of("u", List.of("system:authenticated")), "list", "", "v1", "ns", "configmaps", "", ""));
    assertThat(a).isNotEqualTo(a.as(UserInfo.of("u", List.of("system:masters"))));
  }

  @Test
  void unauthorizedBody() {
    assertThat(new String(ApiStatus.unauthorized().toJson(), StandardCharsets.UTF_8)).isEqualTo(
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Unauthorized\","
            + "\"reason\":\"Unauthorized\",\"code\":401}");
  }
}
