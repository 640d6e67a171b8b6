package io.quiver.engine.index;

import io.github.jbellis.jvector.disk.RandomAccessReader;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;

/**
 * The base layer's neighbour lists of an on-disk graph, copied onto the heap in compressed-sparse-row form (one
 * {@code int} per edge plus one per node), as DiskANN keeps its graph in memory and only the full vectors on disk:
 * a PQ-guided walk then reads nothing from the file, and reranking reads just the few vectors it scores.
 */
final class Adjacency {
  private final int[] starts;
  private final int[] neighbors;

  private Adjacency(int[] starts, int[] neighbors) {
    this.starts = starts;
    this.neighbors = neighbors;
  }

  /** Reads every node's base-layer neighbours through {@code view} (one read per node). */
  static Adjacency load(OnDiskGraphIndex.View view) {
    int n = view.getIdUpperBound();
    int[] starts = new int[n + 1];
    int[] edges = new int[Math.max(16, n * 8)];
    int used = 0;
    for (int node = 0; node < n; node++) {
      starts[node] = used;
      if (!view.contains(0, node)) {
        continue;
      }
      NodesIterator it = view.getNeighborsIterator(0, node);
      while (it.hasNext()) {
        if (used == edges.length) {
          edges = java.util.Arrays.copyOf(edges, (int) Math.min(Integer.MAX_VALUE - 8, edges.length * 3L / 2));
        }
        edges[used++] = it.nextInt();
      }
    }
    starts[n] = used;
    return new Adjacency(starts, java.util.Arrays.copyOf(edges, used));
  }

  long ramBytesUsed() {
    return 32L + 4L * starts.length + 4L * neighbors.length;
  }

  int edges() {
    return neighbors.length;
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
      return neighbors[at++];
    }
  }
}
