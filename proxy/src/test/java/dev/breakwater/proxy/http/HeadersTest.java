package dev.breakwater.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadersTest {

  private static MultiMap endToEnd() {
    return MultiMap.caseInsensitiveMultiMap()
        .add("Audit-Id", "4c6a1c8e-0000-4000-8000-000000000001")
        .add("Retry-After", "1")
        .add("Warning", "299 - \"deprecated\"")
        .add("X-Kubernetes-Pf-Flowschema-Uid", "fs-uid")
        .add("X-Kubernetes-Pf-Prioritylevel-Uid", "pl-uid")
        .add("Content-Encoding", "gzip")
        .add("Content-Type", "application/json")
        .add("Content-Length", "42");
  }

  private static MultiMap hopByHop() {
    return MultiMap.caseInsensitiveMultiMap()
        .add("Connection", "keep-alive, X-Private-Hop")
        .add("Keep-Alive", "timeout=5")
        .add("Proxy-Connection", "keep-alive")
        .add("Proxy-Authenticate", "Basic")
        .add("Proxy-Authorization", "Basic Zm9vOmJhcg==")
        .add("TE", "trailers")
        .add("Trailer", "X-Checksum")
        .add("Transfer-Encoding", "chunked")
        .add("Upgrade", "h2c")
        .add("HTTP2-Settings", "AAMAAABkAAQAAP__")
        .add("X-Private-Hop", "secret");
  }

  @Test
  void responseDropsHopByHopIncludingConnectionNamedAndKeepsEndToEnd() {
    MultiMap from = hopByHop().addAll(endToEnd());
    MultiMap to = MultiMap.caseInsensitiveMultiMap();
    Headers.copyResponseHeaders(from, to);
    assertThat(to.names()).containsExactlyInAnyOrderElementsOf(endToEnd().names());
    for (String name : endToEnd().names()) {
      assertThat(to.getAll(name)).as(name).isEqualTo(endToEnd().getAll(name));
    }
  }

  @Test
  void requestDropsHopByHopHostAuthorizationExpectAndKeepsEndToEnd() {
    MultiMap from = hopByHop().addAll(endToEnd())
        .add("Host", "breakwater.local:8001")
        .add("Authorization", "Bearer client-token")
        .add("Expect", "100-continue")
        .add("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
        .add("User-Agent", "kubectl/v1.36.3");
    MultiMap to = MultiMap.caseInsensitiveMultiMap();
    Headers.copyRequestHeaders(from, to);
    assertThat(to.names()).containsExactlyInAnyOrderElementsOf(
        endToEnd().add("Accept", "x").add("User-Agent", "x").names());
    assertThat(to.get("Accept")).isEqualTo("application/json;as=Table;v=v1;g=meta.k8s.io");
    assertThat(to.get("Content-Length")).isEqualTo("42");
  }

  @Test
  void connectionTokensAreCaseInsensitiveAndTrimmedAcrossSeveralConnectionFields() {
    MultiMap from = MultiMap.caseInsensitiveMultiMap()
        .add("connection", " X-A ,,x-b")
        .add("CONNECTION", "X-C")
        .add("x-a", "1").add("X-B", "2").add("x-c", "3").add("X-D", "4");
    MultiMap to = MultiMap.caseInsensitiveMultiMap();
    Headers.copyResponseHeaders(from, to);
    assertThat(to.names()).containsExactly("X-D");
  }

  @Test
  void repeatedEndToEndFieldsKeepEveryValueInOrder() {
    MultiMap from = MultiMap.caseInsensitiveMultiMap()
        .add("Warning", "299 - \"a\"").add("Warning", "299 - \"b\"");
    MultiMap to = MultiMap.caseInsensitiveMultiMap();
    Headers.copyResponseHeaders(from, to);
    assertThat(to.getAll("Warning")).containsExactly("299 - \"a\"", "299 - \"b\"");
  }

  @Test
  void copyDoesNotModifyTheSource() {
    MultiMap from = hopByHop();
    int before = from.size();
    Headers.copyRequestHeaders(from, MultiMap.caseInsensitiveMultiMap());
    assertThat(from.size()).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Upgrade", "upgrade", "keep-alive, Upgrade", "Keep-Alive,upgrade", " UPGRADE "})
  void isUpgradeWhenConnectionListsUpgrade(String connection) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap().add("Connection", connection).add("Upgrade", "SPDY/3.1");
    assertThat(Headers.isUpgrade(h)).isTrue();
  }

  @Test
  void isUpgradeWhenUpgradeTokenIsInASecondConnectionField() {
    MultiMap h = MultiMap.caseInsensitiveMultiMap()
        .add("Connection", "keep-alive").add("Connection", "Upgrade").add("Upgrade", "websocket");
    assertThat(Headers.isUpgrade(h)).isTrue();
  }

  @Test
  void notUpgradeWithoutBothFields() {
    assertThat(Headers.isUpgrade(MultiMap.caseInsensitiveMultiMap().add("Upgrade", "websocket"))).isFalse();
    assertThat(Headers.isUpgrade(MultiMap.caseInsensitiveMultiMap().add("Connection", "Upgrade"))).isFalse();
    assertThat(Headers.isUpgrade(MultiMap.caseInsensitiveMultiMap()
        .add("Connection", "keep-alive, Upgraded").add("Upgrade", "websocket"))).isFalse();
    assertThat(Headers.isUpgrade(MultiMap.caseInsensitiveMultiMap())).isFalse();
  }
}
