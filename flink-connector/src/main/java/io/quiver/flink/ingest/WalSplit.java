package io.quiver.flink.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * One partition of the collection's WAL topic (partition = shard) and the offset its reader starts from: the first
 * offset whose rows have not been handed downstream in a {@link SealedPiece} yet. This is all the ingestion job
 * checkpoints per shard: the growing rows are not state, a restore reads them again from the WAL.
 */
public record WalSplit(int partition, long startOffset) implements SourceSplit {
  @Override
  public String splitId() {
    return splitId(partition);
  }

  /** The id of WAL partition {@code partition}'s split. */
  static String splitId(int partition) {
    return "wal-" + partition;
  }

  /** The split's wire form (version 1: partition, start offset). */
  static final class Serializer implements SimpleVersionedSerializer<WalSplit> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(WalSplit split) throws IOException {
      DataOutputSerializer out = new DataOutputSerializer(12);
      write(split, out);
      return out.getCopyOfBuffer();
    }

    @Override
    public WalSplit deserialize(int version, byte[] bytes) throws IOException {
      checkVersion(version, "WAL split");
      return read(new DataInputDeserializer(bytes));
    }

    static void write(WalSplit split, DataOutputSerializer out) throws IOException {
      out.writeInt(split.partition);
      out.writeLong(split.startOffset);
    }

    static WalSplit read(DataInputDeserializer in) throws IOException {
      return new WalSplit(in.readInt(), in.readLong());
    }
  }

  /**
   * What the enumerator checkpoints: how many WAL partitions it has turned into splits so far, and the splits not
   * assigned to a reader yet (assigned ones live in the readers' state).
   */
  public record EnumeratorState(int discovered, List<WalSplit> pending) {
    /** Version 1: discovered, pending count, then each split. */
    static final class Serializer implements SimpleVersionedSerializer<EnumeratorState> {
      @Override
      public int getVersion() {
        return 1;
      }

      @Override
      public byte[] serialize(EnumeratorState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(8 + 12 * state.pending.size());
        out.writeInt(state.discovered);
        out.writeInt(state.pending.size());
        for (WalSplit s : state.pending) {
          WalSplit.Serializer.write(s, out);
        }
        return out.getCopyOfBuffer();
      }

      @Override
      public EnumeratorState deserialize(int version, byte[] bytes) throws IOException {
        checkVersion(version, "WAL enumerator state");
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        int discovered = in.readInt();
        int n = in.readInt();
        List<WalSplit> pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          pending.add(WalSplit.Serializer.read(in));
        }
        return new EnumeratorState(discovered, pending);
      }
    }
  }

  private static void checkVersion(int version, String what) throws IOException {
    if (version != 1) {
      throw new IOException("Cannot read " + what + " of serializer version " + version + ": this job reads version 1");
    }
  }
}
