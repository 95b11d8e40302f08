package dev.breakwater.proxy.http;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.cacher.CacheReads;
import dev.breakwater.cache.delegator.CacheState;
import dev.breakwater.cache.delegator.GetQuery;
import dev.breakwater.cache.delegator.GetRead;
import dev.breakwater.cache.delegator.Parsed;
import dev.breakwater.cache.delegator.ReadParams;
import dev.breakwater.cache.delegator.ReadPlan;
import dev.breakwater.cache.delegator.ReadRouting;
import dev.breakwater.cache.codec.yaml.YamlConversionException;
import dev.breakwater.cache.negotiation.Negotiation;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.request.RequestInfo;
import dev.breakwater.cache.status.Result;
import dev.breakwater.proxy.table.TableBodies;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A GET of one object from the cache: {@link ReadParams#get} + {@link ReadRouting#get}, then
 * {@link CacheReads#get} — the object (in the negotiated representation) or the apiserver's 404. A
 * cache that turned unready between plan and read (429) sends the request upstream, as the
 * apiserver reads storage then; an object the encoder cannot transform too.
 */
final class GetExchange extends ReadExchange<GetRead> {

  private final Parsed<GetQuery> query;

  GetExchange(HttpServerRequest req, Context ctx, RequestInfo info, CacheReads cache, ReadEdge edge,
      Negotiation.Representation rep, TableBodies table, long arrival, boolean waited) {
    super(req, ctx, info, cache, edge, rep, table, arrival, waited);
    this.query = ReadParams.get(req.query(), info.namespace(), info.name());
  }

  @Override
  Parsed<?> query() {
    return query;
  }

  @Override
  ReadPlan<GetRead> route(CacheState state, boolean waitedForReady) {
    return ReadRouting.get(query.value(), state, cache.path(), waitedForReady);
  }

  @Override
  GetRead bind(GetRead read, long current) {
    return read.atResourceVersion(current);
  }

  @Override
  void serve(GetRead read) {
    Result<WatchCache.GetResult> got = cache.get(read.key(), read.minResourceVersion());
    if (!got.isOk()) {
      if (got.error().code() == 429) {
        delegate("cache became unready: GET goes to storage");
      } else {
        status(got.error());
      }
      return;
    }
    if (got.value().object().isEmpty()) {
      status(cache.notFound(read.name()));
      return;
    }
    CachedObject obj = got.value().object().get();
    byte[] body;
    try {
      body = Representations.object(rep, cache.codecs(), table, obj, pretty);
    } catch (YamlConversionException e) {
      delegate("the apiserver's YAML conversion fails on it (" + e.getMessage() + "): its 500 is upstream's");
      return;
    } catch (RuntimeException e) {
      warnEncoding(e);
      delegate("cannot encode");
      return;
    }
    headers();
    edge.stats().getsFromCache.incrementAndGet();
    edge.metrics().request("get", cache.groupResource(), served());
    resp.end(Buffer.buffer(body));
  }
}
