/**
 * Vector indexes: plug-in kinds found by {@link java.util.ServiceLoader} ({@link
 * io.quiver.engine.index.VectorIndexFactory}), one file format, and the exact search they fall back to.
 *
 * <h2>Kinds</h2>
 *
 * <ul>
 *   <li><b>FLAT</b>: brute force over the accept set. No payload.
 *   <li><b>GRAPH</b>: a jvector graph (Vamana, optionally hierarchical). Parameters {@code max_degree} (M, default 32),
 *       {@code beam_width} (efConstruction, 100), {@code alpha} (1.2), {@code neighbor_overflow} (1.2), {@code
 *       hierarchy} (true), {@code build_threads} (0 = all processors; not persisted). Searched with the caller's
 *       full-precision {@link io.quiver.engine.index.VectorValues}, read in place.
 *   <li><b>GRAPH_PQ</b>: the same graph, traversed with product-quantized codes held in memory ({@code pq_subspaces},
 *       0 = dimension/4, 256 centroids each), then {@code k * rerank_factor} (default 4) candidates reranked with the
 *       full vectors stored inline in the memory-mapped file: the caller's vectors need not be resident.
 * </ul>
 *
 * <p>Every kind returns exact user-facing distances ({@link io.quiver.engine.schema.MetricType#distance}), recomputed
 * for the hits whatever scores found them. COSINE graphs are built on unit vectors and ranked by dot product (jvector's
 * own cosine is NaN for a zero vector; a unit-normalized zero stays zero). IP graphs are built on vectors augmented
 * with one coordinate {@code sqrt(max|x|² - |x|²)} and ranked by Euclidean distance, which orders exactly like the
 * inner product (the MIPS-to-L2 reduction): a graph built on raw inner products left 8% of a small test set
 * unreachable. Their graph and PQ sections therefore hold {@code dimension + 1} floats per vector.
 *
 * <h2>File layout, format version 1</h2>
 *
 * All integers big-endian; strings are {@link java.io.DataOutput#writeUTF} (u16 length + modified UTF-8).
 *
 * <pre>
 * offset  size  field
 * 0       4     magic 0x51564958 ("QVIX")
 * 4       4     format version = 1
 * 8       4     header length H: bytes before the payload, a multiple of 64 (the payload starts aligned)
 * 12      utf   kind ("FLAT", "GRAPH", "GRAPH_PQ")
 *         4     metric id: 1 = L2, 2 = IP, 3 = COSINE (fixed numbers, never enum ordinals)
 *         4     dimension
 *         4     count (vectors; ordinals 0..count-1)
 *         4     P, then P x (utf key, utf value): the build parameters, defaults included
 *         4     S, then S x (utf name, i64 offset, i64 length): payload sections, offsets from the payload start
 *         8     payload length L
 *         ...   zero padding up to H
 * H       L     payload: the sections, back to back
 * H+L     4     CRC32C of bytes [0, H+L)
 * </pre>
 *
 * Sections: GRAPH has {@code graph}, a jvector {@code OnDiskGraphIndex} (format as written by jvector 4.0.2, its
 * version 6, with SEPARATED_VECTORS); GRAPH_PQ has {@code graph} (with INLINE_VECTORS) and {@code pq} (jvector {@code
 * PQVectors}: codebooks then codes). FLAT and any empty index (count 0) have none. jvector finds its footer at the end
 * of what its reader presents as the file, so each section is opened through a reader over just that byte range:
 * {@code MappedSlice} (memory-mapped; GRAPH) or {@code PositionalSlice} (positional reads into a small per-reader
 * window; GRAPH_PQ, whose walk would otherwise leave every page of the file resident in the process).
 *
 * <p>Readers refuse, with a {@link io.quiver.engine.index.CorruptIndexException} naming the file: a bad magic, a
 * format version other than 1, a header length or section outside the file, a file length other than H+L+4, and a
 * CRC32C mismatch. Opening checks the whole file's CRC (one sequential read, which also warms the page cache). A new
 * layout gets a new format version; readers keep reading the old ones.
 *
 * <h2>Filtered search</h2>
 *
 * The accept set is a jvector {@link io.github.jbellis.jvector.util.Bits} over ordinals. A graph walk under a filter
 * scores accepted and rejected nodes alike until it has {@code width} accepted ones, so its cost grows like
 * {@code 1/selectivity} while an exact scan costs one distance per accepted vector. The graph kinds therefore scan
 * when the accept set holds at most {@code max(k, sqrt(EXACT_FILTER_C * width * count))} ordinals (the count comes
 * from {@link io.quiver.engine.index.SearchOptions#acceptCount} or a 1,024-ordinal sample). The rule and
 * {@code EXACT_FILTER_C = 10} come from {@code FilterThresholdProbe} (engine tests), measured on JDK 17 at width
 * 100 on sift5k, mnist10k and a 50,000-vector mixture: the scan and the walk cost the same at about 3,000 accepted of
 * 9,000 (mnist10k) and 6,500 of 50,000; at 1,000,000 vectors and width 100 the rule scans up to ~32,000 accepted
 * (3%). The numbers are in {@code GraphSupport}. A search with {@code k >= count} scans, and a walk that returns fewer
 * than {@code min(k, count)} hits (a filter hid what it could reach, or a node has no in-edges) is redone as a scan,
 * so no answer that exists is lost.
 */
package io.quiver.engine.index;
