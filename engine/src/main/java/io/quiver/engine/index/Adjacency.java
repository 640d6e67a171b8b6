package io.quiver.engine.index;

import io.github.jbellis.jvector.disk.RandomAccessReader;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import java.util.Arrays;

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
    return new View(graph, reader);
  }

  private final class View extends OnDiskGraphIndex.View {
    View(OnDiskGraphIndex graph, RandomAccessReader reader) {
      graph.super(reader);
    }

    @Override
    public NodesIterator getNeighborsIterator(int level, int node) {
      if (level != 0) {
        return super.getNeighborsIterator(level, node);
      }
      return new Edges(starts[node], starts[node + 1]);
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
