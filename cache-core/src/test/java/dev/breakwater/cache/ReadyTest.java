package dev.breakwater.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadyTest {
    private final TestClock clock = new TestClock();
    private final Ready ready = new Ready(clock);
    private final List<Ready.State> transitions = new ArrayList<>();

    {
        ready.addListener(transitions::add);
    }

    @AfterEach
    void validate() {
        Ready.Check c = ready.check();
        assertThat(c.generation() == 0).isEqualTo(c.state() != Ready.State.READY);
        assertThat(c.errorText() == null).isEqualTo(c.state() == Ready.State.READY);
        for (int i = 1; i < transitions.size(); i++) {
            assertThat(transitions.get(i)).isNotEqualTo(transitions.get(i - 1));
        }
    }

    @Test
    void startsPendingWith429Text() {
        assertThat(ready.state()).isEqualTo(Ready.State.PENDING);
        assertThat(ready.unreadyStatus().code()).isEqualTo(429);
        assertThat(ready.unreadyStatus().message()).isEqualTo("storage is (re)initializing");
        assertThat(ready.whenReady()).isNotDone();
    }

    @Test
    void readyCompletesWaitersWithGeneration() throws Exception {
        CompletableFuture<Integer> f = ready.whenReady();
        ready.setReady();
        assertThat(f.get()).isEqualTo(1);
        assertThat(ready.whenReady().get()).isEqualTo(1);
        ready.setReady(); // no-op
        assertThat(ready.generation()).isEqualTo(1);
        assertThat(transitions).containsExactly(Ready.State.READY);
    }

    @Test
    void timingOutOneWaiterDoesNotAffectOthers() throws Exception {
        CompletableFuture<Integer> a = ready.whenReady();
        CompletableFuture<Integer> b = ready.whenReady();
        a.completeExceptionally(new java.util.concurrent.TimeoutException());
        ready.setReady();
        assertThat(b.get()).isEqualTo(1);
    }

    @Test
    void stopIsFinalAndFailsWaiters() {
        CompletableFuture<Integer> f = ready.whenReady();
        ready.stop();
        ready.setReady();
        assertThat(ready.state()).isEqualTo(Ready.State.STOPPED);
        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(Ready.StoppedException.class);
        assertThat(ready.whenReady()).isCompletedExceptionally();
        assertThat(ready.check().errorText()).isEqualTo("apiserver cacher is stopped");
    }

    @Test
    void checkReportsDowntimeAndRetryAfter() {
        clock.advance(Duration.ofSeconds(40));
        assertThat(ready.check().sinceLastChange()).isEqualTo(Duration.ofSeconds(40));
        assertThat(ready.unreadyStatus().retryAfterSeconds()).isEqualTo(11); // e^(0.06*40) = 11.02
        assertThat(Ready.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
        assertThat(Ready.retryAfterSeconds(Duration.ofMinutes(10))).isEqualTo(30);
    }

    @Test
    void failingListenerDoesNotStopOthers() {
        List<Ready.State> seen = new ArrayList<>();
        ready.addListener(s -> {
            throw new IllegalStateException("boom");
        });
        ready.addListener(seen::add);
        ready.setReady();
        assertThat(seen).containsExactly(Ready.State.READY);
    }
}
