package dev.breakwater.cache.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EndpointSelectorTest {

  Instant now = Instant.parse("2026-01-01T00:00:00Z");
  final EndpointSelector s = new EndpointSelector(List.of("https://a:6443", "https://b:6443", "https://c:6443"), () -> now);

  /** Invariants after every case: exactly one current endpoint, healthy ones have no cause or since. */
  @AfterEach
  void invariants() {
    List<EndpointSelector.Status> all = s.status();
    assertThat(all.stream().filter(EndpointSelector.Status::current).count()).isEqualTo(1);
    assertThat(all.get(s.current()).current()).isTrue();
    for (EndpointSelector.Status st : all) {
      assertThat(st.healthy()).isEqualTo(st.unhealthySince() == null);
      assertThat(st.healthy()).isEqualTo(st.cause().isEmpty());
    }
  }

  @Test
  void startsOnTheFirstAndStaysThereWhileItAnswers() {
    assertThat(s.current()).isZero();
    s.answered(0);
    s.unavailable(0, "503");
    s.answered(0); // an answer between 503s ends the series
    s.unavailable(0, "503");
    s.unavailable(0, "503");
    assertThat(s.current()).isZero();
    assertThat(s.switches()).isZero();
  }

  @Test
  void aConnectFailureMovesToTheNextHealthyAndItIsSticky() {
    assertThat(s.connectFailed(0, "Connection refused")).isEqualTo(1);
    assertThat(s.status().get(0)).isEqualTo(new EndpointSelector.Status("https://a:6443", false, now, "Connection refused", false));
    // a comes back: checked ready, or it answers a request still in flight there — b keeps the traffic
    s.checked(0, true, null);
    s.answered(0);
    assertThat(s.healthy(0)).isTrue();
    assertThat(s.current()).isEqualTo(1);
    // b fails: the next healthy after b in ring order is c
    assertThat(s.connectFailed(1, "connect timed out")).isEqualTo(2);
    assertThat(s.connectFailed(2, "refused")).as("after c comes a, healthy again").isZero();
    assertThat(s.switches()).isEqualTo(3);
  }

  @Test
  void unhealthyEndpointsAreSkipped() {
    s.connectFailed(1, "refused"); // not current: marked, no switch
    assertThat(s.current()).isZero();
    assertThat(s.switches()).isZero();
    assertThat(s.connectFailed(0, "refused")).as("b is known unhealthy").isEqualTo(2);
  }

  @Test
  void withEveryEndpointUnhealthyTheNextInRingOrderIsTried() {
    s.connectFailed(1, "refused");
    s.connectFailed(2, "refused");
    assertThat(s.connectFailed(0, "refused")).isEqualTo(1);
    assertThat(s.connectFailed(1, "refused")).isEqualTo(2);
    assertThat(s.connectFailed(2, "refused")).isZero();
    assertThat(s.status()).allSatisfy(st -> assertThat(st.healthy()).isFalse());
  }

  @Test
  void threeUnavailableAnswersInARowMakeTheEndpointUnhealthy() {
    assertThat(s.unavailable(0, "503 a")).isZero();
    assertThat(s.unavailable(0, "503 b")).isZero();
    assertThat(s.healthy(0)).isTrue();
    assertThat(s.unavailable(0, "503 c")).isEqualTo(1);
    assertThat(s.status().get(0).cause()).isEqualTo("503 c");
    // a stale soft count does not carry over: b starts from zero
    assertThat(s.unavailable(1, "503")).isEqualTo(1);
  }

  @Test
  void aFailureReportedByARequestThatPickedTheOldEndpointDoesNotSwitchAgain() {
    s.connectFailed(0, "refused");
    assertThat(s.current()).isEqualTo(1);
    assertThat(s.connectFailed(0, "refused again")).isEqualTo(1);
    assertThat(s.switches()).isEqualTo(1);
    assertThat(s.status().get(0).unhealthySince()).as("since the first failure").isEqualTo(now);
  }

  @Test
  void unhealthyEndpointsAreCheckedEveryInterval() {
    assertThat(s.dueForCheck()).isEmpty();
    s.connectFailed(0, "refused");
    assertThat(s.dueForCheck()).as("not before the interval").isEmpty();
    now = now.plus(EndpointSelector.RECHECK_INTERVAL);
    assertThat(s.dueForCheck()).containsExactly(0);
    assertThat(s.dueForCheck()).as("scheduled again").isEmpty();
    s.checked(0, false, "readyz 500");
    assertThat(s.status().get(0).cause()).isEqualTo("readyz 500");
    now = now.plus(EndpointSelector.RECHECK_INTERVAL);
    s.connectFailed(2, "refused");
    assertThat(s.dueForCheck()).containsExactly(0);
    s.checked(0, true, null);
    now = now.plus(EndpointSelector.RECHECK_INTERVAL);
    assertThat(s.dueForCheck()).containsExactly(2);
    assertThat(s.healthy(0)).isTrue();
  }

  @Test
  void aHealthyEndpointCheckedNotReadyIsNoCandidate() {
    s.checked(1, false, null);
    assertThat(s.status().get(1).cause()).isEqualTo("unknown");
    assertThat(s.connectFailed(0, null)).isEqualTo(2);
    assertThat(s.status().get(0).cause()).isEqualTo("unknown");
  }

  @Test
  void aSingleEndpointStaysCurrent() {
    EndpointSelector one = new EndpointSelector(List.of("https://a:6443"), () -> now);
    assertThat(one.connectFailed(0, "refused")).isZero();
    assertThat(one.switches()).isZero();
    assertThat(one.healthy(0)).isFalse();
    one.answered(0);
    assertThat(one.healthy(0)).isTrue();
  }

  @Test
  void badInput() {
    assertThatThrownBy(() -> new EndpointSelector(List.of(), () -> now)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.connectFailed(3, "x")).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> s.unavailable(-1, "x")).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> s.answered(3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> s.checked(3, true, null)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
