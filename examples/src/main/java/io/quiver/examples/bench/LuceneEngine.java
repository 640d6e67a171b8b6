package io.quiver.examples.bench;

import io.github.jbellis.jvector.util.FixedBitSet;
import io.quiver.engine.index.ProgressListener;
import io.quiver.engine.schema.MetricType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.annotation.Nullable;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;

/**
 * Lucene 9.12 HNSW through its public path: KnnFloatVectorField documents written by one IndexWriter thread into an
 * MMapDirectory with Lucene99HnswVectorsFormat(maxConn, beamWidth), force-merged to one segment (LogDocMergePolicy
 * keeps insertion order, so doc id = ordinal), searched with KnnFloatVectorQuery(k = width) and the top k taken.
 */
final class LuceneEngine implements AnnEngine {
  private static final String FIELD = "v";
  private final int maxConn;
  private final int beamWidth;
  private final Path dir;
  private Directory directory;
  private DirectoryReader reader;
  private IndexSearcher searcher;
  private long bytes;
  private final Query accepted = new TermQuery(new Term("f", "1"));

  LuceneEngine(int maxConn, int beamWidth, Path dir) {
    this.maxConn = maxConn;
    this.beamWidth = beamWidth;
    this.dir = dir;
  }

  @Override
  public String name() {
    return "lucene";
  }

  static VectorSimilarityFunction similarity(MetricType m) {
    switch (m) {
      case L2:
        return VectorSimilarityFunction.EUCLIDEAN;
      case IP:
        return VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
      default:
        return VectorSimilarityFunction.COSINE;
    }
  }

  @Override
  public void build(AnnData data, ProgressListener progress) throws Exception {
    directory = new MMapDirectory(dir);
    IndexWriterConfig cfg = new IndexWriterConfig()
        .setCodec(new Lucene912Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return new Lucene99HnswVectorsFormat(maxConn, beamWidth);
          }
        })
        .setRAMBufferSizeMB(1024)
        .setMergePolicy(new LogDocMergePolicy())
        .setUseCompoundFile(false);
    VectorSimilarityFunction sim = similarity(data.metric);
    int n = data.base.count();
    try (IndexWriter w = new IndexWriter(directory, cfg)) {
      for (int i = 0; i < n; i++) {
        Document d = new Document();
        d.add(new KnnFloatVectorField(FIELD, data.base.vector(i), sim));
        if (data.filter != null) {
          d.add(new StringField("f", data.filter.get(i) ? "1" : "0", Field.Store.NO));
        }
        w.addDocument(d);
        if (i % 1000 == 0) {
          progress.progress("add", i, n);
        }
      }
      progress.progress("merge", n, n);
      w.forceMerge(1);
      w.commit();
    }
    reader = DirectoryReader.open(directory);
    if (reader.leaves().size() != 1 || reader.maxDoc() != n) {
      throw new IllegalStateException("expected one segment of " + n + " docs, got " + reader.leaves().size());
    }
    searcher = new IndexSearcher(reader);
    try (Stream<Path> files = Files.list(dir)) {
      bytes = files.mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Override
  public long indexBytes() {
    return bytes;
  }

  @Override
  public int[] search(float[] query, int k, int width, @Nullable FixedBitSet filter, int filterCount)
      throws Exception {
    Query q = new KnnFloatVectorQuery(FIELD, query, Math.max(k, width), filter == null ? null : accepted);
    TopDocs top = searcher.search(q, k);
    ScoreDoc[] docs = top.scoreDocs;
    int[] out = new int[docs.length];
    for (int i = 0; i < docs.length; i++) {
      out[i] = docs[i].doc;
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    if (reader != null) {
      reader.close();
    }
    if (directory != null) {
      directory.close();
    }
  }
}
