package dev.breakwater.proxy.cache;

import dev.breakwater.cache.cacher.ConsistencyChecker;
import dev.breakwater.cache.codec.JsonFrames;
import dev.breakwater.cache.reflector.FrameDecodeException;
import dev.breakwater.cache.reflector.UpstreamKeyPage;
import dev.breakwater.proxy.upstream.Upstream;
import dev.breakwater.proxy.upstream.WholeAnswer;
import io.vertx.core.buffer.Buffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * cache-core's {@link ConsistencyChecker.Lister} over HTTP: {@code GET <collection>?limit=N&resourceVersion=R
 * &resourceVersionMatch=Exact}, then {@code ?limit=N&continue=TOKEN} (the token carries R; the apiserver refuses
 * a resourceVersion beside it), with Breakwater's own credentials, asking for
 * {@code PartialObjectMetadataList} (metadata only: what the check compares, a fraction of the objects' bytes;
 * every resource, built-in or custom, serves it). Each page (bounded by the limit) is read whole and decoded by
 * {@link JsonFrames#keyPage}; a non-200 answer fails with the upstream's Status (410: compacted), garbage with
 * {@link FrameDecodeException}. Counted as {@code breakwater_upstream_requests_total{kind="consistency-check"}}
 * (the user agent {@code breakwater-consistency-check}). Thread-safe.
 */
final class ExactKeyLister implements ConsistencyChecker.Lister {

  static final String ACCEPT = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

  private final Upstream upstream;
  private final String collectionPath;

  ExactKeyLister(Upstream upstream, String collectionPath) {
    this.upstream = upstream;
    this.collectionPath = collectionPath;
  }

  @Override
  public CompletableFuture<UpstreamKeyPage> list(long resourceVersion, String continueToken, long limit) {
    StringBuilder q = new StringBuilder("?limit=").append(limit);
    if (continueToken == null) {
      q.append("&resourceVersion=").append(Long.toUnsignedString(resourceVersion)).append("&resourceVersionMatch=Exact");
    } else {
      q.append("&continue=").append(URLEncoder.encode(continueToken, StandardCharsets.UTF_8));
    }
    CompletableFuture<UpstreamKeyPage> result = new CompletableFuture<>();
    // The checker's page timeout bounds the wait.
    WholeAnswer.of(upstream.request(upstream.get(collectionPath + q, ACCEPT, "breakwater-consistency-check")))
        .map(a -> new Object[] {a.status(), a.body()})
        .onComplete(ar -> {
          try {
            if (ar.failed()) {
              result.completeExceptionally(ar.cause());
              return;
            }
            int code = (int) ar.result()[0];
            byte[] body = ((Buffer) ar.result()[1]).getBytes();
            if (code != 200) {
              result.completeExceptionally(JsonFrames.statusBody(code, body));
              return;
            }
            result.complete(JsonFrames.keyPage(body));
          } catch (FrameDecodeException | RuntimeException e) {
            result.completeExceptionally(e); // never a future left pending
          }
        });
    return result;
  }
}
