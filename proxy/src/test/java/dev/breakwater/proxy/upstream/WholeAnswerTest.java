package dev.breakwater.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Breakwater's own upstream requests are made from threads that are not Vert.x's (reflectors, the consistency
 * checker). {@link WholeAnswer} reads the body in the task that delivers the head, so a caller's thread being slow
 * cannot lose the answer; the first test shows the chained form losing it when the caller is slow.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WholeAnswerTest {

  Vertx vertx;
  HttpClientAgent client;
  RequestOptions options;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    HttpServer up = vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(403).end("{\"code\":403}"))
        .listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient();
    options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(up.actualPort()).setURI("/api/v1/x");
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void theChainedFormLosesTheAnswerWhenItsCallerIsSlow() throws Exception {
    Future<HttpClientResponse> head = client.request(options).compose(HttpClientRequest::send);
    head.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Thread.sleep(100); // the body and its end arrive with no handler set
    Future<Buffer> body = head.compose(HttpClientResponse::body);
    Thread.sleep(1000);
    assertThat(body.isComplete()).as("the body step registered after the head was delivered").isFalse();
  }

  @Test
  void wholeAnswersArriveHoweverSlowTheCallerIs() throws Exception {
    for (int i = 0; i < 50; i++) {
      Future<HttpClientRequest> request = client.request(options);
      request.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      if (i % 10 == 0) {
        Thread.sleep(50);
      }
      WholeAnswer a = WholeAnswer.of(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(a.status()).isEqualTo(403);
      assertThat(a.body().toString()).isEqualTo("{\"code\":403}");
    }
  }

  @Test
  void aRequestBodyIsSent() throws Exception {
    HttpServer echo = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> req.response().end(b)))
        .listen(0, "127.0.0.1").await();
    WholeAnswer a = WholeAnswer.of(client.request(new RequestOptions(options).setMethod(HttpMethod.POST).setPort(echo.actualPort())),
        Buffer.buffer("{\"kind\":\"TokenReview\"}")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().toString()).isEqualTo("{\"kind\":\"TokenReview\"}");
  }
}
