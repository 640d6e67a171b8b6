package io.quiver.flink.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.io.ChecksummedJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Committables as JSON (version 1): {@code {"pieces":[{"shard":0,"first":0,"last":99,"segments":[...],
 * "deletes":[...]}]}}, where segments and deletes hold the manifest's own entry JSON. Readable by eye in a
 * savepoint, stable across releases, never Kryo.
 */
public final class ManifestCommittableSerializer implements SimpleVersionedSerializer<ManifestCommittable> {
  static final int VERSION = 1;

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(ManifestCommittable c) throws IOException {
    ObjectNode root = ChecksummedJson.MAPPER.createObjectNode();
    ArrayNode pieces = root.putArray("pieces");
    for (SealedPiece p : c.pieces()) {
      ObjectNode n = pieces.addObject();
      n.put("shard", p.shard);
      n.put("first", p.firstOffset);
      n.put("last", p.lastOffset);
      n.set("segments", ChecksummedJson.MAPPER.readTree(p.segments));
      n.set("deletes", ChecksummedJson.MAPPER.readTree(p.deletes));
    }
    return ChecksummedJson.MAPPER.writeValueAsBytes(root);
  }

  @Override
  public ManifestCommittable deserialize(int version, byte[] bytes) throws IOException {
    if (version != VERSION) {
      throw new IOException("Unknown Quiver committable version " + version + "; this reader knows " + VERSION);
    }
    JsonNode root = ChecksummedJson.MAPPER.readTree(bytes);
    List<SealedPiece> pieces = new ArrayList<>();
    for (JsonNode n : root.path("pieces")) {
      pieces.add(new SealedPiece(n.path("shard").asInt(), n.path("first").asLong(), n.path("last").asLong(),
          n.path("segments").toString(), n.path("deletes").toString()));
    }
    return new ManifestCommittable(pieces);
  }
}
