package dev.breakwater.proxy.http;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.cacher.ResourceCodecs;
import dev.breakwater.cache.codec.BodyChunks;
import dev.breakwater.cache.codec.JsonListEncoder;
import dev.breakwater.cache.codec.JsonWatchEncoder;
import dev.breakwater.cache.codec.PartialObjectMetadataCodec;
import dev.breakwater.cache.codec.PartialObjectMetadataWatchEncoder;
import dev.breakwater.cache.codec.ProtobufListEncoder;
import dev.breakwater.cache.codec.ProtobufWatchEncoder;
import dev.breakwater.cache.codec.ProtobufWire;
import dev.breakwater.cache.codec.WatchEventEncoder;
import dev.breakwater.cache.codec.yaml.JsonToYaml;
import dev.breakwater.cache.codec.yaml.YamlListEncoder;
import dev.breakwater.cache.negotiation.Negotiation;
import dev.breakwater.cache.negotiation.Negotiation.Kind;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.proxy.table.TableBodies;
import java.nio.charset.StandardCharsets;

/**
 * The one place a negotiated representation becomes its encoders: a LIST page's body (streamed
 * chunk by chunk), a GET's object, a watch's event encoder, and the Content-Type of a 200. JSON
 * (built-ins with their TypeMeta spliced back, custom resources as sent), protobuf (the apiserver's
 * bytes in the {@code k8s\0} envelope), PartialObjectMetadata(List) in JSON or protobuf, Table
 * (through the request's {@link TableBodies}), and for LIST and GET the JSON ones in YAML
 * ({@link JsonToYaml}, {@link YamlListEncoder}: the apiserver's JSON→YAML conversion, a list streamed
 * item by item).
 *
 * <p>Stateless; the encoders it returns are the caller's, but for the watch encoders of JSON,
 * protobuf and PartialObjectMetadata, which are shared by all watchers of a cache and representation
 * ({@link ResourceCodecs#sharedWatchEncoder}) so an event fanned out to many is encoded once. An
 * encoder fails (throws) only on an object it cannot transform; callers reset or go upstream.
 */
final class Representations {

  private Representations() {}

  /**
   * The body of a LIST page, chunk by chunk as read-only slices: compact JSON, protobuf and
   * PartialObjectMetadata lists hand out the stored (or memoized) bytes without a copy.
   * {@code token}: the next page's, or null. A sharded page's {@code shardInfo} goes into typed built-in lists
   * (JSON, YAML, protobuf) only, as the apiserver writes it.
   */
  static BodyChunks list(Negotiation.Representation rep, ResourceCodecs c, TableBodies table, WatchCache.ListResult lrs,
      String token, boolean pretty) {
    var pom = c.partialObjectMetadata();
    var page = lrs.page();
    if (rep.yaml()) {
      return rep.kind() == Kind.JSON_PARTIAL_OBJECT_METADATA_LIST
          ? new YamlListEncoder(JsonListEncoder.Envelope.partialObjectMetadataList(rep.metaApiVersion(), lrs.resourceVersion(), token,
              page.remainingItemCount()), page.items(), pom.jsonListItem(rep.metaApiVersion()))
          : new YamlListEncoder(new JsonListEncoder.Envelope(c.kind() + "List", c.apiVersion(), lrs.resourceVersion(), token,
              page.remainingItemCount(), !c.builtIn()).withShardInfo(page.shardInfo()), page.items(), JsonListEncoder.STORED);
    }
    return switch (rep.kind()) {
      case TABLE -> table.list(lrs, token, pretty);
      case PROTOBUF -> new ProtobufListEncoder(c.apiVersion(), c.kind() + "List", lrs.resourceVersion(), token,
          page.remainingItemCount(), page.shardInfo(), page.items(), ProtobufListEncoder.STORED, 1, 2);
      case PROTOBUF_PARTIAL_OBJECT_METADATA_LIST -> new ProtobufListEncoder(rep.metaApiVersion(), PartialObjectMetadataCodec.LIST_KIND,
          lrs.resourceVersion(), token, page.remainingItemCount(), page.items(), pom::protoMessage,
          rep.metaVersion().equals("v1") ? 1 : 2, rep.metaVersion().equals("v1") ? 2 : 1);
      case JSON_PARTIAL_OBJECT_METADATA_LIST -> new JsonListEncoder(JsonListEncoder.Envelope.partialObjectMetadataList(
          rep.metaApiVersion(), lrs.resourceVersion(), token, page.remainingItemCount()), page.items().iterator(), pretty,
          pom.jsonListItem(rep.metaApiVersion()));
      default -> new JsonListEncoder(new JsonListEncoder.Envelope(c.kind() + "List", c.apiVersion(), lrs.resourceVersion(), token,
          page.remainingItemCount(), !c.builtIn()).withShardInfo(page.shardInfo()), page.items().iterator(), pretty);
    };
  }

  /** The body of a GET of {@code obj}. */
  static byte[] object(Negotiation.Representation rep, ResourceCodecs c, TableBodies table, CachedObject obj, boolean pretty) {
    if (rep.yaml()) {
      return JsonToYaml.convert(object(new Negotiation.Representation(rep.kind(), rep.metaVersion(), false), c, table, obj, false));
    }
    var pom = c.partialObjectMetadata();
    return switch (rep.kind()) {
      case TABLE -> table.get(obj, pretty);
      case PROTOBUF -> ProtobufWire.envelope(c.apiVersion(), c.kind(), obj.copyJson());
      case PROTOBUF_PARTIAL_OBJECT_METADATA -> PartialObjectMetadataCodec.protoEnvelope(rep.metaApiVersion(),
          PartialObjectMetadataCodec.KIND, pom.protoMessage(obj));
      case JSON_PARTIAL_OBJECT_METADATA -> JsonListEncoder.document(PartialObjectMetadataCodec.json(rep.metaApiVersion(),
          pom.metadataJson(obj)), pretty);
      default -> JsonListEncoder.object(obj, bare(obj) ? c.typeMeta() : null, pretty);
    };
  }

  /** The watch event encoder; shared per cache and representation but for Tables (one per watch: it tracks the first event). */
  static WatchEventEncoder watch(Negotiation.Representation rep, ResourceCodecs c, TableBodies table) {
    if (rep.kind() == Kind.TABLE) {
      return table.watchEncoder();
    }
    if (rep.kind() == Kind.PROTOBUF) {
      return c.sharedWatchEncoder("protobuf", () -> new ProtobufWatchEncoder(c.apiVersion(), c.kind(), c.protobufFrames()));
    }
    if (rep.partialObjectMetadata()) {
      return c.sharedWatchEncoder("pom/" + rep.metaApiVersion() + (rep.protobuf() ? "/protobuf" : "/json"),
          () -> new PartialObjectMetadataWatchEncoder(c.partialObjectMetadata(), rep.metaApiVersion(), rep.protobuf(), !c.builtIn()));
    }
    return c.sharedWatchEncoder("json", () -> new JsonWatchEncoder(c.typeMeta(), !c.builtIn(), c.jsonFrames()::bookmarkTail));
  }

  /** The Content-Type of a 200 for {@code rep} and {@code verb}; errors are JSON or negotiated by {@link StatusResponses}. */
  static String contentType(Negotiation.Representation rep, String verb) {
    if (rep.yaml()) {
      return "application/yaml";
    }
    if (!rep.protobuf()) {
      return "application/json";
    }
    return verb.equals("watch") ? "application/vnd.kubernetes.protobuf;stream=watch" : "application/vnd.kubernetes.protobuf";
  }

  /** A built-in object as stored (LIST item form) starts with its metadata, not its TypeMeta. */
  static boolean bare(CachedObject obj) {
    byte[] head = new byte[12];
    obj.jsonBuffer().get(head, 0, Math.min(head.length, obj.jsonLength()));
    return new String(head, StandardCharsets.ISO_8859_1).startsWith("{\"metadata\"");
  }
}
