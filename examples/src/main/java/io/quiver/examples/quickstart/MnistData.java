package io.quiver.examples.quickstart;

import io.quiver.engine.index.VectorFiles;
import io.quiver.engine.index.VectorValues;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The quickstart's data: MNIST test images (784 pixels as floats) with their digit labels, from the repository's
 * {@code datasets/mnist10k} (images 0..8999 as {@code base}, 9000..9999 as {@code query}) and
 * {@code t10k-labels-idx1-ubyte.gz}. MNIST is Yann LeCun and Corinna Cortes's, under CC BY-SA 3.0.
 */
final class MnistData {
  static final String[] NAMES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};

  final VectorValues images;
  final VectorValues queries;
  /** Labels of the 10,000 test images: {@code labels[i]} for base image i, {@code labels[9000 + q]} for query q. */
  final byte[] labels;

  private MnistData(VectorValues images, VectorValues queries, byte[] labels) {
    this.images = images;
    this.queries = queries;
    this.labels = labels;
  }

  static MnistData load(int rows) throws IOException {
    Path dir = VectorFiles.datasets().resolve("mnist10k");
    VectorValues images = VectorFiles.readFvecs(dir.resolve("base.fvecs"), rows);
    VectorValues queries = VectorFiles.readFvecs(dir.resolve("query.fvecs"), 100);
    byte[] labels;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("t10k-labels-idx1-ubyte.gz")))) {
      byte[] all = in.readAllBytes();
      if (all.length != 10_008 || all[2] != 8 || all[3] != 1) {
        throw new IOException("Unexpected MNIST label file: " + all.length + " bytes");
      }
      labels = java.util.Arrays.copyOfRange(all, 8, all.length);
    }
    return new MnistData(images, queries, labels);
  }

  int label(int image) {
    return labels[image];
  }

  int queryLabel(int q) {
    return labels[9_000 + q];
  }
}
