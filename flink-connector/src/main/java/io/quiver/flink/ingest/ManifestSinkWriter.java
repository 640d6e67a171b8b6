package io.quiver.flink.ingest;

import io.quiver.flink.FailurePoints;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;

/**
 * Collects the sealed pieces that arrive between two checkpoint barriers and hands them over as one committable
 * when the barrier comes. Holds no state across checkpoints: everything received is in the committable.
 */
final class ManifestSinkWriter implements CommittingSinkWriter<SealedPiece, ManifestCommittable> {
  private final List<SealedPiece> pending = new ArrayList<>();

  @Override
  public void write(SealedPiece piece, Context context) {
    pending.add(piece);
  }

  @Override
  public void flush(boolean endOfInput) {
    // nothing buffered outside `pending`, which prepareCommit hands over
  }

  @Override
  public Collection<ManifestCommittable> prepareCommit() {
    FailurePoints.check(FailurePoints.PREPARE_COMMIT);
    if (pending.isEmpty()) {
      return List.of();
    }
    ManifestCommittable c = new ManifestCommittable(new ArrayList<>(pending));
    pending.clear();
    return List.of(c);
  }

  @Override
  public void close() {}
}
