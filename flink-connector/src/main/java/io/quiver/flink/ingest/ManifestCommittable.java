package io.quiver.flink.ingest;

import java.util.Collections;
import java.util.List;

/**
 * What one checkpoint of the ingestion job commits: the sealed pieces of every shard that reached the sink before
 * the checkpoint barrier. Ranges of one shard are contiguous (they were sealed one after the other).
 */
public final class ManifestCommittable {
  private final List<SealedPiece> pieces;

  public ManifestCommittable(List<SealedPiece> pieces) {
    this.pieces = Collections.unmodifiableList(pieces);
  }

  public List<SealedPiece> pieces() {
    return pieces;
  }

  @Override
  public String toString() {
    return "committable " + pieces;
  }
}
