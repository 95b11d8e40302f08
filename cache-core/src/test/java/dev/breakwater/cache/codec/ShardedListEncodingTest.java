package dev.breakwater.cache.codec;

import static dev.breakwater.cache.codec.JsonListEncoderTest.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.golang.GoJson;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.selector.LabelSelector;
import dev.breakwater.cache.selector.FieldSelector;
import dev.breakwater.cache.selector.SelectionPredicate;
import dev.breakwater.cache.selector.ShardSelector;
import dev.breakwater.cache.store.ListPage;
import dev.breakwater.cache.store.OrderedStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ListMeta.shardInfo} as the gate-on apiserver writes it (checked byte for byte in
 * {@code ShardedListWatchE2ETest}): after remainingItemCount in JSON, field 5 in protobuf, only on typed lists;
 * and a sharded page: filtered, paged, with remainingItemCount counting every object when there are no label or
 * field selectors ({@code Predicate.Empty()} ignores the shard selector).
 */
class ShardedListEncodingTest {

  static final String SEL = "shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')";
  static final String ITEM = "{\"metadata\":{\"name\":\"a\",\"namespace\":\"default\",\"uid\":\"u\",\"resourceVersion\":\"7\"}}";

  static String drain(BodyChunks e) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] c = e.nextChunk(); c != null; c = e.nextChunk()) {
      out.writeBytes(c);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void jsonShardInfoFollowsRemainingItemCount() {
    var env = new JsonListEncoder.Envelope("ConfigMapList", "v1", 767, "tok", 3L).withShardInfo(SEL);
    String compact = drain(new JsonListEncoder(env, List.of(obj(ITEM)).iterator(), false));
    assertThat(compact).isEqualTo("{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"767\","
        + "\"continue\":\"tok\",\"remainingItemCount\":3,\"shardInfo\":{\"selector\":\"" + SEL + "\"}},\"items\":[" + ITEM + "]}\n");
    for (List<CachedObject> items : List.of(List.<CachedObject>of(), List.of(obj(ITEM), obj(ITEM)))) {
      String c = drain(new JsonListEncoder(env, items.iterator(), false));
      String pretty = drain(new JsonListEncoder(env, items.iterator(), true));
      assertThat(pretty).isEqualTo(new String(GoJson.indent(c.substring(0, c.length() - 1).getBytes(StandardCharsets.UTF_8), "", "  "),
          StandardCharsets.UTF_8));
    }
  }

  @Test
  void onlyTypedListsCarryIt() {
    assertThat(new JsonListEncoder.Envelope("ThingList", "x/v1", 1, null, null, true).withShardInfo(SEL).shardInfo()).isNull();
    assertThat(JsonListEncoder.Envelope.partialObjectMetadataList("meta.k8s.io/v1", 1, null, null).withShardInfo(SEL).shardInfo()).isNull();
    assertThat(new JsonListEncoder.Envelope("ConfigMapList", "v1", 1, null, null).withShardInfo(null).shardInfo()).isNull();
  }

  @Test
  void protobufShardInfoIsListMetaField5() {
    byte[] sel = SEL.getBytes(StandardCharsets.UTF_8);
    String with = drain(new ProtobufListEncoder("v1", "ConfigMapList", 7, "", null, SEL, List.of(), ProtobufListEncoder.STORED, 1, 2));
    String without = drain(new ProtobufListEncoder("v1", "ConfigMapList", 7, "", null, List.of(), ProtobufListEncoder.STORED, 1, 2));
    // ListMeta {1:"", 2:"7", 3:"", 5:{1:SEL}}
    String meta = HexFormat.of().formatHex(new byte[] {0x0a, 0, 0x12, 1, '7', 0x1a, 0, 0x2a, (byte) (sel.length + 2), 0x0a, (byte) sel.length})
        + HexFormat.of().formatHex(sel);
    assertThat(HexFormat.of().formatHex(with.getBytes(StandardCharsets.ISO_8859_1))).contains(meta);
    assertThat(with.length() - without.length()).isEqualTo(sel.length + 4);
  }

  @Test
  void aShardedPageFiltersAndCountsRemainingOverEverything() {
    ShardSelector shard = ((ShardSelector.Parse.Ok) ShardSelector.parse(SEL)).selector();
    OrderedStore s = OrderedStore.empty();
    List<String> inShard = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String uid = java.util.UUID.nameUUIDFromBytes(("u" + i).getBytes(StandardCharsets.UTF_8)).toString();
      s = s.put(obj("{\"metadata\":{\"name\":\"c" + (char) ('a' + i) + "\",\"namespace\":\"ns\",\"uid\":\"" + uid + "\",\"resourceVersion\":\"" + (i + 1) + "\"}}"));
      if (shard.matchesValue(uid)) {
        inShard.add("c" + (char) ('a' + i));
      }
    }
    assertThat(inShard).hasSizeBetween(3, 17);
    SelectionPredicate p = SelectionPredicate.everything().withShard(shard);
    assertThat(p.isEmpty()).isTrue();
    ListPage all = s.listPrefix("", "", 0, p);
    assertThat(all.items().stream().map(CachedObject::name).toList()).isEqualTo(inShard);
    assertThat(all.shardInfo()).isEqualTo(SEL);
    ListPage first = s.listPrefix("", "", 2, p);
    assertThat(first.items().stream().map(CachedObject::name).toList()).isEqualTo(inShard.subList(0, 2));
    assertThat(first.remainingItemCount()).isEqualTo(18L);
    ListPage labelled = s.listPrefix("", "", 2, SelectionPredicate.of(LabelSelector.parse("!x").value(), FieldSelector.everything(),
        o -> f -> "").withShard(shard));
    assertThat(labelled.remainingItemCount()).isNull();
    assertThat(SelectionPredicate.everything().withShard(null)).isSameAs(SelectionPredicate.everything());
    assertThat(s.listPrefix("", "", 0, SelectionPredicate.everything()).shardInfo()).isNull();
  }
}
