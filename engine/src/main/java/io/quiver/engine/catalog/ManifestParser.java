package io.quiver.engine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.io.ChecksummedJson;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.SchemaParser;
import io.quiver.engine.segment.SegmentStats;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads and writes manifests as checksummed JSON (layout in this package's {@code package-info}). */
public final class ManifestParser {
  static final String FORMAT = "quiver-manifest";
  static final int FORMAT_VERSION = 1;

  private ManifestParser() {}

  public static byte[] toBytes(Manifest m) {
    return ChecksummedJson.write(FORMAT, FORMAT_VERSION, toJson(m));
  }

  public static Manifest fromBytes(byte[] bytes, String file) {
    return fromJson(ChecksummedJson.read(bytes, file, FORMAT, FORMAT_VERSION));
  }

  static ObjectNode toJson(Manifest m) {
    ObjectNode n = ChecksummedJson.MAPPER.createObjectNode();
    n.put("collection", m.collection());
    n.put("version", m.version());
    n.put("snapshot-id", m.snapshotId());
    n.put("parent-snapshot-id", m.parentSnapshotId());
    n.put("last-sequence-number", m.lastSequenceNumber());
    n.put("timestamp-ms", m.timestampMillis());
    n.put("shards", m.shards());
    n.set("schema", SchemaParser.toJson(m.schema()));
    ArrayNode prev = n.putArray("previous-schemas");
    m.previousSchemas().forEach(s -> prev.add(SchemaParser.toJson(s)));
    ArrayNode parts = n.putArray("partitions");
    m.partitions().forEach(parts::add);
    ObjectNode specs = n.putObject("index-specs");
    m.indexSpecs().forEach((field, spec) -> specs.set(field, specJson(spec)));
    ObjectNode offsets = n.putObject("committed-offsets");
    m.committedOffsets().forEach((shard, off) -> offsets.put(Integer.toString(shard), off));
    ArrayNode segs = n.putArray("segments");
    for (SegmentEntry s : m.segments()) {
      segs.add(segmentJson(s));
    }
    ArrayNode dels = n.putArray("delete-files");
    for (DeleteFileEntry d : m.deleteFiles()) {
      dels.add(deleteJson(d));
    }
    n.set("summary", ChecksummedJson.MAPPER.valueToTree(m.summary()));
    n.set("tags", ChecksummedJson.MAPPER.valueToTree(m.tags()));
    ArrayNode hist = n.putArray("history");
    for (Manifest.HistoryEntry h : m.history()) {
      ObjectNode e = hist.addObject();
      e.put("version", h.version());
      e.put("snapshot-id", h.snapshotId());
      e.put("timestamp-ms", h.timestampMillis());
      e.put("file", h.file());
    }
    n.set("properties", ChecksummedJson.MAPPER.valueToTree(m.properties()));
    return n;
  }

  static Manifest fromJson(JsonNode n) {
    CollectionSchema schema = SchemaParser.fromJson(n.get("schema"));
    Manifest.Builder b = Manifest.builder(n.path("collection").asText(), schema, n.path("shards").asInt())
        .version(n.path("version").asLong())
        .snapshotId(n.path("snapshot-id").asLong())
        .parentSnapshotId(n.path("parent-snapshot-id").asLong())
        .lastSequenceNumber(n.path("last-sequence-number").asLong())
        .timestampMillis(n.path("timestamp-ms").asLong());
    List<CollectionSchema> prev = new ArrayList<>();
    n.path("previous-schemas").forEach(s -> prev.add(SchemaParser.fromJson(s)));
    b.previousSchemas(prev);
    List<String> parts = new ArrayList<>();
    n.path("partitions").forEach(p -> parts.add(p.asText()));
    b.partitions(parts);
    Map<String, IndexSpec> specs = new TreeMap<>();
    n.path("index-specs").fields().forEachRemaining(e -> specs.put(e.getKey(), spec(e.getValue())));
    b.indexSpecs(specs);
    Map<Integer, Long> offsets = new TreeMap<>();
    n.path("committed-offsets").fields().forEachRemaining(
        e -> offsets.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
    b.committedOffsets(offsets);
    List<SegmentEntry> segs = new ArrayList<>();
    n.path("segments").forEach(s -> segs.add(segment(s, schema, prev)));
    b.segments(segs);
    List<DeleteFileEntry> dels = new ArrayList<>();
    n.path("delete-files").forEach(d -> dels.add(delete(d)));
    b.deleteFiles(dels);
    b.summary(stringMap(n.path("summary")));
    Map<String, Long> tags = new TreeMap<>();
    n.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asLong()));
    b.tags(tags);
    List<Manifest.HistoryEntry> hist = new ArrayList<>();
    n.path("history").forEach(h -> hist.add(new Manifest.HistoryEntry(h.path("version").asLong(),
        h.path("snapshot-id").asLong(), h.path("timestamp-ms").asLong(), h.path("file").asText())));
    b.history(hist);
    b.properties(stringMap(n.path("properties")));
    return b.build();
  }

  static ObjectNode specJson(IndexSpec spec) {
    ObjectNode s = ChecksummedJson.MAPPER.createObjectNode();
    s.put("kind", spec.kind());
    s.set("params", ChecksummedJson.MAPPER.valueToTree(spec.params()));
    return s;
  }

  static IndexSpec spec(JsonNode n) {
    return new IndexSpec(n.path("kind").asText(), stringMap(n.path("params")));
  }

  /** A segment entry as the manifest writes it (also the Flink committable's form). */
  public static ObjectNode segmentJson(SegmentEntry s) {
    ObjectNode e = ChecksummedJson.MAPPER.createObjectNode();
    e.put("sequence-number", s.sequenceNumber());
    e.set("stats", s.stats().toJson());
    ObjectNode idx = e.putObject("indexes");
    s.indexes().forEach((field, f) -> {
      ObjectNode i = idx.putObject(field);
      i.put("file", f.file());
      i.set("spec", specJson(f.spec()));
      i.put("bytes", f.bytes());
    });
    return e;
  }

  /** Reads {@link #segmentJson}'s form; stats are typed by the schema version they were written with. */
  public static SegmentEntry segment(JsonNode e, CollectionSchema schema, List<CollectionSchema> previous) {
    JsonNode stats = e.get("stats");
    int sv = stats.path("schema-version").asInt(schema.version());
    CollectionSchema rowSchema = schema;
    for (CollectionSchema p : previous) {
      if (p.version() == sv) {
        rowSchema = p;
      }
    }
    Map<String, IndexFile> indexes = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = e.path("indexes").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> i = it.next();
      indexes.put(i.getKey(), new IndexFile(i.getValue().path("file").asText(), spec(i.getValue().path("spec")),
          i.getValue().path("bytes").asLong()));
    }
    return new SegmentEntry(e.path("sequence-number").asLong(), SegmentStats.fromJson(stats, rowSchema), indexes);
  }

  /** A delete file entry as the manifest writes it. */
  public static ObjectNode deleteJson(DeleteFileEntry d) {
    ObjectNode e = ChecksummedJson.MAPPER.createObjectNode();
    e.put("path", d.path());
    e.put("shard", d.shard());
    e.put("sequence-number", d.sequenceNumber());
    e.put("count", d.count());
    e.put("first-offset", d.firstOffset());
    e.put("last-offset", d.lastOffset());
    e.put("bytes", d.bytes());
    return e;
  }

  /** Reads {@link #deleteJson}'s form. */
  public static DeleteFileEntry delete(JsonNode e) {
    return new DeleteFileEntry(e.path("path").asText(), e.path("shard").asInt(), e.path("sequence-number").asLong(),
        e.path("count").asLong(), e.path("first-offset").asLong(), e.path("last-offset").asLong(),
        e.path("bytes").asLong());
  }

  private static Map<String, String> stringMap(JsonNode n) {
    Map<String, String> out = new TreeMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
