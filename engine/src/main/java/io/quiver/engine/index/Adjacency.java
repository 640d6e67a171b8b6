package io.quiver.engine.index;

import io.github.jbellis.jvector.disk.RandomAccessReader;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.vector.types.ByteSequence;
import java.util.Arrays;
import javax.annotation.Nullable;

/**
 * The base layer's neighbour lists of an on-disk graph, copied onto the heap, as DiskANN keeps its graph in memory and
 * only the full vectors on disk: a PQ-guided walk then reads nothing from the file, and reranking reads just the few
 * vectors it scores. Compressed-sparse-row form with the edges bit-packed: each neighbour takes
 * {@code ceil(log2(nodes))} bits (17 for 100,000 nodes instead of 32), plus one {@code int} per node.
 */
final class Adjacency {
  private final int[] starts;
  private final long[] packed;
  private final int bits;
  private final long mask;
  private final int edges;

  private Adjacency(int[] starts, long[] packed, int bits, int edges) {
    this.starts = starts;
    this.packed = packed;
    this.bits = bits;
    this.mask = (1L << bits) - 1;
    this.edges = edges;
  }

  /** Reads every node's base-layer neighbours through {@code view} (one read per node). */
  static Adjacency load(OnDiskGraphIndex.View view) {
    int n = view.getIdUpperBound();
    int bits = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, n - 1)));
    int[] starts = new int[n + 1];
    long[] packed = new long[Math.max(1, (int) (((long) n * 8 * bits + 63) >>> 6))];
    int used = 0;
    for (int node = 0; node < n; node++) {
      starts[node] = used;
      if (!view.contains(0, node)) {
        continue;
      }
      NodesIterator it = view.getNeighborsIterator(0, node);
      while (it.hasNext()) {
        long bit = (long) used * bits;
        if (((bit + bits + 63) >>> 6) + 1 > packed.length) {
          packed = Arrays.copyOf(packed, (int) Math.min(Integer.MAX_VALUE - 8, packed.length * 3L / 2 + 2));
        }
        put(packed, bit, bits, it.nextInt());
        used++;
      }
    }
    starts[n] = used;
    return new Adjacency(starts, Arrays.copyOf(packed, (int) (((long) used * bits + 63) >>> 6) + 1), bits, used);
  }

  private static void put(long[] words, long bit, int bits, int value) {
    int w = (int) (bit >>> 6);
    int shift = (int) (bit & 63);
    words[w] |= (long) value << shift;
    if (shift + bits > 64) {
      words[w + 1] |= (long) value >>> (64 - shift);
    }
  }

  private int neighbor(int edge) {
    long bit = (long) edge * bits;
    int w = (int) (bit >>> 6);
    int shift = (int) (bit & 63);
    long v = packed[w] >>> shift;
    if (shift + bits > 64) {
      v |= packed[w + 1] << (64 - shift);
    }
    return (int) (v & mask);
  }

  long ramBytesUsed() {
    return 48L + 4L * starts.length + 8L * packed.length;
  }

  int edges() {
    return edges;
  }

  /** A view of {@code graph} that reads base-layer neighbours from here and everything else through {@code reader}. */
  OnDiskGraphIndex.View view(OnDiskGraphIndex graph, RandomAccessReader reader) {
    return new View(graph, reader, null);
  }

  /**
   * As {@link #view(OnDiskGraphIndex, RandomAccessReader)}, for a walk that scores base-layer neighbours with
   * {@code codes}: see {@link View#processNeighbors}.
   */
  OnDiskGraphIndex.View view(OnDiskGraphIndex graph, RandomAccessReader reader, PQVectors codes) {
    return new View(graph, reader, codes);
  }

  /** Not thread-safe (its batch), like every jvector view: one per searcher. */
  private final class View extends OnDiskGraphIndex.View {
    @Nullable private final PQVectors codes;
    /** The unvisited neighbours of the node being expanded. */
    private int[] batch = new int[64];
    /** What the code loads summed: kept so that the JIT cannot drop them (never read). */
    private int touched;

    View(OnDiskGraphIndex graph, RandomAccessReader reader, @Nullable PQVectors codes) {
      graph.super(reader);
      this.codes = codes;
    }

    @Override
    public NodesIterator getNeighborsIterator(int level, int node) {
      if (level != 0) {
        return super.getNeighborsIterator(level, node);
      }
      return new Edges(starts[node], starts[node + 1]);
    }

    /**
     * jvector's expansion of a base-layer node — mark each neighbour visited, score the newly visited ones, hand them
     * to {@code processor} in list order — with one step added before the scoring: the first and last byte of each
     * newly visited neighbour's PQ code are loaded, all of them, then the codes are scored. Scoring a neighbour waits
     * for its code (32 bytes at a random place of an array of 32 bytes per vector: 6.4 MB at 200,000 vectors, beyond
     * the core's caches) and then sums its 32 table lookups; one after the other, the processor reached the next
     * code's load only after the previous sum, so the cache misses of a list came one at a time. Loaded first, they
     * overlap: in a micro-benchmark of the scoring alone (JDK 17, codes of 200,000 random vectors), 55 ns per
     * neighbour fell to 35 ns, what a cached code costs; a whole width-64 search of 200,000 random 128-d vectors went
     * from 431-450 to 409-421 µs (session 15, alternating rounds on one index). The same neighbours, scores and order
     * as jvector's own loop ({@code AdjacencyTest}).
     */
    @Override
    public void processNeighbors(int level, int node, ScoreFunction scores, ImmutableGraphIndex.IntMarker visited,
        ImmutableGraphIndex.NeighborProcessor processor) {
      if (level != 0 || codes == null || scores.supportsSimilarityToNeighbors()) {
        super.processNeighbors(level, node, scores, visited, processor);
        return;
      }
      int from = starts[node];
      int to = starts[node + 1];
      if (batch.length < to - from) {
        batch = new int[to - from];
      }
      int n = 0;
      for (int e = from; e < to; e++) {
        int friend = neighbor(e);
        if (visited.mark(friend)) {
          batch[n++] = friend;
        }
      }
      int t = 0;
      for (int i = 0; i < n; i++) {
        ByteSequence<?> code = codes.get(batch[i]);
        t += code.get(0) + code.get(code.length() - 1);
      }
      touched += t;
      for (int i = 0; i < n; i++) {
        processor.process(batch[i], scores.similarityTo(batch[i]));
      }
    }
  }

  private final class Edges implements NodesIterator {
    private final int end;
    private final int size;
    private int at;

    Edges(int from, int to) {
      this.at = from;
      this.end = to;
      this.size = to - from;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public boolean hasNext() {
      return at < end;
    }

    @Override
    public int nextInt() {
      if (at >= end) {
        throw new java.util.NoSuchElementException();
      }
      return neighbor(at++);
    }
  }
}
