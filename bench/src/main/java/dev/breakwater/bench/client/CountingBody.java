package dev.breakwater.bench.client;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A body handler that counts a response's bytes and keeps none of them but the first few (to tell
 * what was sent), so the harness can take ten 200 MB LISTs at once without holding them. The
 * subscriber asks for one buffer list at a time, so the client's own flow control applies.
 */
public final class CountingBody implements HttpResponse.BodySubscriber<CountingBody.Counted> {

  /** How many bytes of the start of a body are kept. */
  public static final int HEAD_BYTES = 64;

  /**
   * @param bytes the body's length
   * @param head its first {@link #HEAD_BYTES} bytes (fewer if it is shorter)
   */
  public record Counted(long bytes, byte[] head) {}

  private final CompletableFuture<Counted> result = new CompletableFuture<>();
  private final byte[] head = new byte[HEAD_BYTES];
  private Flow.Subscription subscription;
  private long bytes;

  public static HttpResponse.BodyHandler<Counted> handler() {
    return info -> new CountingBody();
  }

  @Override
  public CompletionStage<Counted> getBody() {
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
      if (bytes < HEAD_BYTES) {
        b.get(b.position(), head, (int) bytes, (int) Math.min(HEAD_BYTES - bytes, b.remaining()));
      }
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
    result.complete(new Counted(bytes, Arrays.copyOf(head, (int) Math.min(bytes, HEAD_BYTES))));
  }
}
