package io.quiver.engine.index;

import io.quiver.engine.schema.ValidationException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Vector data sets for tests and benchmarks: the TEXMEX {@code .fvecs} / {@code .ivecs} formats (per vector a
 * little-endian int32 dimension, then that many float32 / int32) and a seeded Gaussian-mixture generator.
 */
public final class VectorFiles {
  private VectorFiles() {
  }

  /**
   * The folder holding the data sets ({@code sift5k/}, {@code mnist10k/}): the system property
   * {@code quiver.datasets}, else the first {@code datasets/} (the repository's gzipped copies) or
   * {@code shared/datasets} found walking up from the working directory. Fails, never guesses.
   */
  public static Path datasets() {
    String prop = System.getProperty("quiver.datasets");
    if (prop != null && !prop.isBlank()) {
      Path p = Path.of(prop).toAbsolutePath();
      if (!Files.isDirectory(p.resolve("sift5k"))) {
        throw new IllegalStateException("-Dquiver.datasets=" + prop + " has no sift5k/ folder");
      }
      return p;
    }
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      for (Path candidate : new Path[] {dir.resolve("datasets"), dir.resolve("shared/datasets")}) {
        if (Files.isDirectory(candidate.resolve("sift5k"))) {
          return candidate.normalize();
        }
      }
    }
    throw new IllegalStateException("No datasets/ folder (with sift5k/) found walking up from " + start
        + "; pass -Dquiver.datasets=/path/to/datasets");
  }

  /**
   * {@code file} itself, or, when it ends in {@code .gz} or only {@code file.gz} exists, a decompressed temporary copy
   * (deleted when the JVM exits).
   */
  static Path plain(Path file) throws IOException {
    Path gz = file.getFileName().toString().endsWith(".gz") ? file
        : (!Files.exists(file) && Files.exists(file.resolveSibling(file.getFileName() + ".gz")))
            ? file.resolveSibling(file.getFileName() + ".gz") : null;
    if (gz == null) {
      return file;
    }
    Path tmp = Files.createTempFile("quiver-vectors-", ".bin");
    tmp.toFile().deleteOnExit();
    try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
      Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return tmp;
  }

  /** Every vector of an {@code .fvecs} file ({@code .fvecs.gz} read transparently). */
  public static VectorValues readFvecs(Path file) throws IOException {
    return readFvecs(file, Integer.MAX_VALUE);
  }

  /** The first {@code maxRows} vectors of an {@code .fvecs} file. */
  public static VectorValues readFvecs(Path file, int maxRows) throws IOException {
    try (Records r = new Records(file)) {
      int dim = r.peekDimension();
      long record = Integer.BYTES + (long) dim * Float.BYTES;
      if (r.size % record != 0 && r.size / record < maxRows) {
        throw new IOException(file + ": " + r.size + " bytes is not a whole number of " + dim
            + "-dimensional records (truncated?)");
      }
      long rows = Math.min(maxRows, r.size / record);
      if ((long) dim * rows > Integer.MAX_VALUE - 8) {
        throw new IOException(file + ": " + rows + " x " + dim + " floats do not fit one array; read fewer rows");
      }
      float[] data = new float[(int) (rows * dim)];
      for (int i = 0; i < rows; i++) {
        r.expectDimension(dim, i);
        r.buffer(dim * Float.BYTES).asFloatBuffer().get(data, i * dim, dim);
        r.skip(dim * Float.BYTES);
      }
      return VectorValues.of(data, dim);
    }
  }

  /** Every row of an {@code .ivecs} file (ground truth: per query the ids of its nearest base vectors). */
  public static int[][] readIvecs(Path file) throws IOException {
    try (Records r = new Records(file)) {
      List<int[]> rows = new ArrayList<>();
      while (r.remaining() > 0) {
        int dim = r.peekDimension();
        r.expectDimension(dim, rows.size());
        int[] row = new int[dim];
        r.buffer(dim * Integer.BYTES).asIntBuffer().get(row);
        r.skip(dim * Integer.BYTES);
        rows.add(row);
      }
      return rows.toArray(new int[0][]);
    }
  }

  public static void writeFvecs(Path file, VectorValues v) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      ByteBuffer b = ByteBuffer.allocate(Integer.BYTES + v.dimension() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < v.count(); i++) {
        b.clear();
        b.putInt(v.dimension());
        b.asFloatBuffer().put(v.data(), i * v.dimension(), v.dimension());
        out.write(b.array());
      }
    }
  }

  public static void writeIvecs(Path file, int[][] rows) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (int[] row : rows) {
        ByteBuffer b = ByteBuffer.allocate(Integer.BYTES * (1 + row.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(row.length);
        b.asIntBuffer().put(row);
        out.write(b.array());
      }
    }
  }

  /** {@code rows} samples of a Gaussian mixture whose centers and samples both come from {@code seed}. */
  public static VectorValues gaussianMixture(int rows, int dim, int clusters, long seed) {
    return gaussianMixture(rows, dim, clusters, seed, seed ^ 0x9E3779B97F4A7C15L);
  }

  /**
   * {@code rows} samples of a mixture of {@code clusters} Gaussians in {@code dim} dimensions: centers uniform in
   * [-1, 1]^dim from {@code centerSeed}, cluster sizes uneven (Zipf-like weights), each sample its center plus
   * N(0, 0.25²) per component, drawn with {@code sampleSeed}. The same centerSeed with another sampleSeed gives queries
   * from the same distribution.
   */
  public static VectorValues gaussianMixture(int rows, int dim, int clusters, long centerSeed, long sampleSeed) {
    if (rows < 0 || dim <= 0 || clusters <= 0) {
      throw new ValidationException("generate", rows + "," + dim + "," + clusters,
          "rows must be >= 0, dimension and clusters > 0");
    }
    if ((long) rows * dim > Integer.MAX_VALUE - 8) {
      throw new ValidationException("generate", rows + "x" + dim, "too many floats for one array");
    }
    SplittableRandom cr = new SplittableRandom(centerSeed);
    float[] centers = new float[clusters * dim];
    for (int i = 0; i < centers.length; i++) {
      centers[i] = (float) (cr.nextDouble() * 2 - 1);
    }
    double[] cumulative = new double[clusters];
    double sum = 0;
    for (int c = 0; c < clusters; c++) {
      sum += 1.0 / Math.sqrt(c + 1);
      cumulative[c] = sum;
    }
    SplittableRandom sr = new SplittableRandom(sampleSeed);
    java.util.Random gauss = new java.util.Random(sr.nextLong());
    float[] data = new float[rows * dim];
    for (int i = 0; i < rows; i++) {
      double u = sr.nextDouble() * sum;
      int c = 0;
      while (c < clusters - 1 && cumulative[c] < u) {
        c++;
      }
      for (int j = 0; j < dim; j++) {
        data[i * dim + j] = centers[c * dim + j] + (float) (gauss.nextGaussian() * 0.25);
      }
    }
    return VectorValues.of(data, dim);
  }

  /** A little-endian cursor over a whole file, read through a FileChannel in 4 MiB windows. */
  private static final class Records implements AutoCloseable {
    private final Path file;
    private final FileChannel ch;
    private final long size;
    private final ByteBuffer window = ByteBuffer.allocateDirect(4 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long windowStart;
    private long pos;

    Records(Path file) throws IOException {
      this.file = file;
      this.ch = FileChannel.open(plain(file), StandardOpenOption.READ);
      this.size = ch.size();
      window.limit(0);
    }

    long remaining() {
      return size - pos;
    }

    /** A little-endian view of the next {@code len} bytes (without consuming them). */
    ByteBuffer buffer(int len) throws IOException {
      if (pos + len > size) {
        throw new IOException(file + ": truncated at byte " + pos + " (need " + len + " more, file has " + size + ")");
      }
      if (len > window.capacity()) {
        ByteBuffer big = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (big.hasRemaining()) {
          ch.read(big, pos + big.position());
        }
        big.flip();
        return big;
      }
      if (pos < windowStart || pos + len > windowStart + window.limit()) {
        window.clear();
        windowStart = pos;
        while (window.hasRemaining() && windowStart + window.position() < size) {
          if (ch.read(window, windowStart + window.position()) < 0) {
            break;
          }
        }
        window.flip();
      }
      ByteBuffer b = window.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      b.position((int) (pos - windowStart)).limit((int) (pos - windowStart) + len);
      return b.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    void skip(long n) {
      pos += n;
    }

    int peekDimension() throws IOException {
      int dim = buffer(Integer.BYTES).getInt(0);
      if (dim <= 0 || dim > 1 << 20) {
        throw new IOException(file + ": bad dimension " + dim + " at byte " + pos + " (not an fvecs/ivecs file?)");
      }
      return dim;
    }

    void expectDimension(int dim, int row) throws IOException {
      int d = buffer(Integer.BYTES).getInt(0);
      if (d != dim) {
        throw new IOException(file + ": row " + row + " has dimension " + d + ", expected " + dim);
      }
      skip(Integer.BYTES);
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
