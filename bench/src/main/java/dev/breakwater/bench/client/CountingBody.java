package dev.breakwater.bench.client;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A body handler that counts a response's bytes and keeps none of them, so the harness can take
 * ten 200 MB LISTs at once without holding them. The subscriber asks for one buffer list at a
 * time, so the client's own flow control applies.
 */
public final class CountingBody implements HttpResponse.BodySubscriber<Long> {

  private final CompletableFuture<Long> result = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private long bytes;

  public static HttpResponse.BodyHandler<Long> handler() {
    return info -> new CountingBody();
  }

  @Override
  public CompletionStage<Long> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    for (ByteBuffer b : items) {
      bytes += b.remaining();
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(bytes);
  }
}
