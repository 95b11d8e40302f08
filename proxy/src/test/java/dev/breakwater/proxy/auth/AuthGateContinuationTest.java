package dev.breakwater.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AuthGate#onContext}: a cached decision (a future already complete) continues on the spot,
 * on the request's event loop, without queueing a task behind other connections' work; a pending
 * one continues on that same context when it completes, wherever it completes.
 */
class AuthGateContinuationTest {

  Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aCompletedFutureContinuesAtOnceOnTheSameContext() throws Exception {
    Context ctx = vertx.getOrCreateContext();
    List<String> order = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    ctx.runOnContext(v -> {
      AuthGate.onContext(ctx, CompletableFuture.completedFuture("hit"), (value, err) -> order.add("then:" + value));
      order.add("after");
      done.countDown();
    });
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(order).containsExactly("then:hit", "after");
  }

  @Test
  void aFailedFutureGivesItsErrorAtOnce() throws Exception {
    Context ctx = vertx.getOrCreateContext();
    AtomicReference<Throwable> error = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    ctx.runOnContext(v -> {
      AuthGate.onContext(ctx, CompletableFuture.failedFuture(new Reviewer.ReviewFailedException("boom")), (value, err) -> {
        error.set(err);
        done.countDown();
      });
    });
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(error.get()).hasRootCauseMessage("boom");
  }

  @Test
  void aPendingFutureContinuesOnTheRequestsContextWhenItCompletes() throws Exception {
    Context ctx = vertx.getOrCreateContext();
    CompletableFuture<String> pending = new CompletableFuture<>();
    AtomicReference<Context> ranOn = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    ctx.runOnContext(v -> AuthGate.onContext(ctx, pending, (value, err) -> {
      ranOn.set(Vertx.currentContext());
      done.countDown();
    }));
    Thread.sleep(50);
    assertThat(done.getCount()).isEqualTo(1);
    pending.complete("late"); // from a thread that is no event loop
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ranOn.get()).isSameAs(ctx);
  }

  @Test
  void aCompletedFutureOffTheContextStillHopsToIt() throws Exception {
    Context ctx = vertx.getOrCreateContext();
    AtomicReference<Context> ranOn = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    AuthGate.onContext(ctx, CompletableFuture.completedFuture("x"), (value, err) -> {
      ranOn.set(Vertx.currentContext());
      done.countDown();
    });
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ranOn.get()).isSameAs(ctx);
  }
}
