package io.quiver.engine.segment;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.io.CorruptFileException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.junit.jupiter.api.Test;

/** The bulk vector path's level checks accept exactly "every row has dim non-null elements". */
class BulkVectorPagesTest {
  static ByteBuffer encode(int width, int... levels) throws Exception {
    RunLengthBitPackingHybridEncoder e = new RunLengthBitPackingHybridEncoder(width, 64, 1 << 16,
        HeapByteBufferAllocator.getInstance());
    for (int l : levels) {
      e.writeInt(l);
    }
    return e.toBytes().toByteBuffer();
  }

  static int[] rep(int rows, int dim) {
    int[] out = new int[rows * dim];
    for (int i = 0; i < out.length; i++) {
      out[i] = i % dim == 0 ? 0 : 1;
    }
    return out;
  }

  @Test
  void wellFormedRepetitionAndDefinitionLevelsPass() throws Exception {
    for (int dim : new int[] {1, 3, 8, 128}) {
      int[] r = rep(50, dim);
      ByteBuffer b = encode(1, r);
      assertThatCode(() -> BulkVectorPages.checkLevels(b, b.position(), b.remaining(), r.length, 1, 0, dim, -1, "f",
          "emb")).as("dim %s", dim).doesNotThrowAnyException();
      int[] d = new int[r.length];
      java.util.Arrays.fill(d, 1);
      ByteBuffer db = encode(1, d);
      assertThatCode(() -> BulkVectorPages.checkLevels(db, db.position(), db.remaining(), d.length, 1, 0, dim, 1,
          "f", "emb")).doesNotThrowAnyException();
    }
  }

  @Test
  void aShortRowOrANullElementIsRefused() throws Exception {
    int[] r = rep(10, 4);
    r[9] = 0; // row 2 starts one element early: row 2 has 1 element, then the rest shift
    ByteBuffer b = encode(1, r);
    assertThatThrownBy(() -> BulkVectorPages.checkLevels(b, b.position(), b.remaining(), r.length, 1, 0, 4, -1, "f",
        "emb")).isInstanceOf(CorruptFileException.class).hasMessageContaining("does not have 4");
    int[] d = new int[40];
    java.util.Arrays.fill(d, 1);
    d[17] = 0;
    ByteBuffer db = encode(1, d);
    assertThatThrownBy(() -> BulkVectorPages.checkLevels(db, db.position(), db.remaining(), d.length, 1, 0, 4, 1, "f",
        "emb")).isInstanceOf(CorruptFileException.class).hasMessageContaining("row 4");
  }
}
