package dev.breakwater.proxy.http;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.admission.Admission;
import dev.breakwater.cache.codec.BodyChunks;
import dev.breakwater.cache.cacher.CacheReads;
import dev.breakwater.cache.delegator.CacheState;
import dev.breakwater.cache.delegator.ListQuery;
import dev.breakwater.cache.delegator.ListRead;
import dev.breakwater.cache.delegator.Parsed;
import dev.breakwater.cache.delegator.ReadParams;
import dev.breakwater.cache.delegator.ReadPlan;
import dev.breakwater.cache.delegator.ReadRouting;
import dev.breakwater.cache.codec.yaml.YamlConversionException;
import dev.breakwater.cache.negotiation.Negotiation;
import dev.breakwater.cache.request.RequestInfo;
import dev.breakwater.cache.status.Result;
import dev.breakwater.proxy.table.TableBodies;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;


/**
 * A LIST from the cache: {@link ReadParams#list} + {@link ReadRouting#list}, then one page of the
 * cache ({@link CacheReads#list}) streamed in the negotiated representation with its continue token.
 * A snapshot evicted between the plan and the read (410) goes upstream, where etcd answers exactly;
 * an object the encoder cannot transform sends the request upstream before any byte is written.
 * An unpaginated LIST or a page over 500 items arriving while the bytes held for clients are over
 * {@code --max-inflight-bytes} gets the apiserver's overload 429 ({@link Admission}).
 */
final class ListExchange extends ReadExchange<ListRead> {

  private final Parsed<ListQuery> query;

  ListExchange(HttpServerRequest req, Context ctx, RequestInfo info, CacheReads cache, ReadEdge edge,
      Negotiation.Representation rep, TableBodies table, long arrival, boolean waited) {
    super(req, ctx, info, cache, edge, rep, table, arrival, waited);
    this.query = ReadParams.list(req.query(), info.namespace(), cache.scope());
  }

  @Override
  Parsed<?> query() {
    return query;
  }

  @Override
  ReadPlan<ListRead> route(CacheState state, boolean waitedForReady) {
    return ReadRouting.list(query.value(), state, cache.path(), waitedForReady);
  }

  @Override
  ListRead bind(ListRead read, long current) {
    return read.atResourceVersion(current);
  }

  @Override
  void serve(ListRead read) {
    if (!admitted(Admission.ofList(read.request()))) {
      return;
    }
    Result<WatchCache.ListResult> result = cache.list(read.request());
    if (!result.isOk()) {
      if (result.error().code() == 410) {
        delegate("snapshot evicted meanwhile: storage answers (exactly or 410)");
      } else {
        status(result.error());
      }
      return;
    }
    WatchCache.ListResult page = result.value();
    Result<Optional<String>> token = read.continueToken(page);
    if (!token.isOk()) {
      status(token.error());
      return;
    }
    BodyChunks body;
    try {
      body = Representations.list(rep, cache.codecs(), table, page, token.value().orElse(null), pretty);
    } catch (YamlConversionException e) {
      delegate("the apiserver's YAML conversion fails on it (" + e.getMessage() + "): its 500 is upstream's");
      return;
    } catch (RuntimeException e) {
      warnEncoding(e);
      delegate("cannot encode");
      return;
    }
    headers();
    resp.setChunked(true);
    edge.stats().listsFromCache.incrementAndGet();
    edge.metrics().request("list", cache.groupResource(), served());
    BodyPump.pump(resp, body, this::warnEncoding, edge.memory().inFlight());
  }
}
