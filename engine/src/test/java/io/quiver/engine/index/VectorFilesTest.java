package io.quiver.engine.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorFilesTest {
  @TempDir Path dir;

  @Test
  void fvecsAndIvecsRoundTrip() throws IOException {
    VectorValues v = VectorFiles.gaussianMixture(1_234, 17, 5, 9);
    Path f = dir.resolve("v.fvecs");
    VectorFiles.writeFvecs(f, v);
    assertThat(Files.size(f)).isEqualTo(1_234L * (4 + 17 * 4));
    VectorValues back = VectorFiles.readFvecs(f);
    assertThat(back.dimension()).isEqualTo(17);
    assertThat(back.data()).containsExactly(v.data());
    assertThat(VectorFiles.readFvecs(f, 10).count()).isEqualTo(10);

    int[][] rows = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
    Path i = dir.resolve("t.ivecs");
    VectorFiles.writeIvecs(i, rows);
    assertThat(VectorFiles.readIvecs(i)).isDeepEqualTo(rows);
  }

  @Test
  void sharedSiftFileReadsAsTheReadmeSays() throws IOException {
    VectorValues q = Datasets.queries("sift5k");
    assertThat(q.count()).isEqualTo(100);
    assertThat(q.dimension()).isEqualTo(128);
    int[][] truth = Datasets.truth("sift5k");
    assertThat(truth[0]).hasSize(100);
  }

  @Test
  void generatorIsSeeded() {
    VectorValues a = VectorFiles.gaussianMixture(500, 8, 4, 1, 2);
    assertThat(VectorFiles.gaussianMixture(500, 8, 4, 1, 2).data()).containsExactly(a.data());
    assertThat(VectorFiles.gaussianMixture(500, 8, 4, 1, 3).data()).isNotEqualTo(a.data());
    assertThat(a.count()).isEqualTo(500);
  }

  @Test
  void truncatedFileIsRefused() throws IOException {
    Path f = dir.resolve("cut.fvecs");
    VectorFiles.writeFvecs(f, VectorFiles.gaussianMixture(3, 4, 1, 1));
    byte[] b = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(b, b.length - 3));
    assertThatThrownBy(() -> VectorFiles.readFvecs(f)).isInstanceOf(IOException.class);
  }
}
