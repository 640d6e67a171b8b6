package io.quiver.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.OffsetRange;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestCommittableTest {
  private static final CollectionSchema SCHEMA = CollectionSchema.builder().int64PrimaryKey("id", false)
      .vector("emb", 2, MetricType.L2).build();
  private static final String DELETE = "[{\"path\":\"deletes/0001/d-1.parquet\",\"shard\":1,\"sequence-number\":0,"
      + "\"count\":2,\"first-offset\":12,\"last-offset\":15,\"bytes\":99}]";

  @Test
  void serializesAsVersionedJsonAndBack() throws Exception {
    ManifestCommittable c = new ManifestCommittable(List.of(new SealedPiece(1, 10, 20, "[]", DELETE),
        new SealedPiece(0, 0, 5, "[]", "[]")));
    ManifestCommittableSerializer s = new ManifestCommittableSerializer();
    byte[] bytes = s.serialize(c);
    assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).startsWith("{\"pieces\":[");
    ManifestCommittable back = s.deserialize(s.getVersion(), bytes);
    assertThat(back.pieces()).hasSize(2);
    assertThat(back.pieces().get(0).deletes).contains("d-1.parquet");
    assertThatThrownBy(() -> s.deserialize(2, bytes)).hasMessageContaining("Unknown Quiver committable version 2");
  }

  @Test
  void aCommitMessageCoversEachShardsContiguousRanges() {
    Manifest base = Manifest.builder("c", SCHEMA, 2).build();
    CommitMessage m = StreamCommitter.toMessage(new ManifestCommittable(List.of(new SealedPiece(1, 21, 30, "[]", "[]"),
        new SealedPiece(1, 10, 20, "[]", DELETE), new SealedPiece(0, 0, 5, "[]", "[]"))), base);
    assertThat(m.offsets()).containsEntry(0, new OffsetRange(0, 5)).containsEntry(1, new OffsetRange(10, 30));
    assertThat(m.addedDeletes()).hasSize(1);
    assertThat(m.summary()).containsEntry("offsets.1", "10..30");
    assertThat(m.commitId()).isEqualTo("stream-0:0..5-1:10..30");
    assertThatThrownBy(() -> StreamCommitter.toMessage(new ManifestCommittable(List.of(
        new SealedPiece(1, 10, 20, "[]", "[]"), new SealedPiece(1, 22, 30, "[]", "[]"))), base))
        .hasMessageContaining("not contiguous: 10..20 then 22..30");
  }
}
