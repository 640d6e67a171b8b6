package io.quiver.engine.catalog;

import static io.quiver.engine.catalog.CatalogFixtures.createDocs;
import static io.quiver.engine.catalog.CatalogFixtures.localCatalog;
import static io.quiver.engine.catalog.CatalogFixtures.segment;
import static io.quiver.engine.catalog.CatalogFixtures.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.annotation.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestCommitterTest {
  @TempDir Path tmp;

  @Test
  void commitsAdvanceVersionAndSequenceNumbers() {
    Catalog catalog = localCatalog(tmp);
    Manifest v1 = createDocs(catalog, "docs", 2);
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.indexSpecs()).containsKey("emb");
    ManifestCommitter committer = catalog.committer("docs");
    Manifest v2 = committer.commit(stream(0, 0, 99));
    Manifest v3 = committer.commit(stream(1, 0, 49));
    assertThat(v3.version()).isEqualTo(3);
    assertThat(v3.parentSnapshotId()).isEqualTo(v2.snapshotId());
    assertThat(v3.lastSequenceNumber()).isEqualTo(2);
    assertThat(v3.segments()).extracting(SegmentEntry::sequenceNumber).containsExactly(1L, 2L);
    assertThat(v3.committedOffsets()).containsEntry(0, 99L).containsEntry(1, 49L);
    assertThat(v3.summary()).containsEntry("operation", "stream").containsEntry("added-rows", "50");
    assertThat(v3.history()).extracting(Manifest.HistoryEntry::version).containsExactly(1L, 2L);
    assertThat(catalog.current("docs").snapshotId()).isEqualTo(v3.snapshotId());
    assertThat(catalog.version("docs", 2).segments()).hasSize(1);
    assertThat(catalog.version("docs", 1).segments()).isEmpty();
    assertThat(catalog.asOf("docs", v2.timestampMillis()).version()).isEqualTo(2);
    assertThatThrownBy(() -> catalog.version("docs", 9)).isInstanceOf(NoSuchVersionException.class)
        .hasMessageContaining("retained: [1, 2, 3]");
  }

  @Test
  void aDeleteBoundToASnapshotKeepsItsSequenceNumber_andPartitionsAreCreatedOnce() {
    Catalog catalog = localCatalog(tmp);
    createDocs(catalog, "docs", 1);
    ManifestCommitter committer = catalog.committer("docs");
    Manifest snapshot = committer.commit(stream(0, 0, 9));
    committer.commit(stream(0, 10, 19));
    Manifest after = committer.commit(CommitMessage.builder("delete")
        .addDeleteFile(new DeleteFileEntry("deletes/0000/b-bound.parquet", 0, snapshot.lastSequenceNumber(), 1,
            Long.MAX_VALUE, Long.MAX_VALUE, 10))
        .addDeleteFile(new DeleteFileEntry("deletes/0000/b-free.parquet", 0, 0, 1, Long.MAX_VALUE, Long.MAX_VALUE,
            10)).build());
    assertThat(after.lastSequenceNumber()).isEqualTo(3);
    assertThat(after.deleteFiles()).extracting(DeleteFileEntry::sequenceNumber).containsExactly(1L, 3L);
    assertThatThrownBy(() -> committer.commit(CommitMessage.builder("delete")
        .addDeleteFile(new DeleteFileEntry("deletes/0000/b-future.parquet", 0, 9, 1, 0, 0, 10)).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bound to sequence number 9");

    Manifest parted = committer.commit(CommitMessage.builder("append").addPartition("p1").addPartition("_default")
        .build());
    assertThat(parted.partitions()).containsExactly("_default", "p1");
    assertThat(parted.lastSequenceNumber()).as("no data, same number").isEqualTo(3);
    assertThat(committer.commit(CommitMessage.builder("append").addPartition("p1").build()).version())
        .as("an existing partition: nothing to commit").isEqualTo(parted.version());
  }

  @Test
  void replayedStreamingCommitIsANoOp() {
    Catalog catalog = localCatalog(tmp);
    createDocs(catalog, "docs", 1);
    ManifestCommitter committer = catalog.committer("docs");
    Manifest first = committer.commit(stream(0, 0, 99));
    Manifest replay = committer.commit(stream(0, 0, 99));
    assertThat(replay.version()).isEqualTo(first.version());
    assertThat(replay.segments()).hasSize(1);
    assertThatThrownBy(() -> committer.commit(stream(0, 50, 150))).isInstanceOf(CommitFailedException.class)
        .hasMessageContaining("overlapping").hasMessageContaining("up to 99");
    assertThat(committer.commit(stream(0, 100, 150)).committedOffset(0)).isEqualTo(150);
  }

  static SegmentEntry inPartition(String id, String partition, int shard, long first, long last) {
    return SegmentEntry.written(new io.quiver.engine.segment.SegmentStats(id, 1, partition, shard, last - first + 1, first, last, 1234,
        java.util.Map.of()), java.util.Map.of());
  }

  @Test
  void partitionsAreCreatedAndDroppedThroughCommits() {
    Catalog catalog = localCatalog(tmp);
    createDocs(catalog, "docs", 1);
    ManifestCommitter committer = catalog.committer("docs");
    Manifest created = committer.commit(CommitMessage.builder("create-partition")
        .partitions(List.of("_default", "p1", "p2")).build());
    assertThat(created.partitions()).containsExactly("_default", "p1", "p2");
    Manifest filled = committer.commit(CommitMessage.builder("stream")
        .addSegment(inPartition("s-p1", "p1", 0, 0, 9)).addSegment(inPartition("s-p2", "p2", 0, 0, 9))
        .addSegment(inPartition("s-d", "_default", 0, 0, 9)).covers(0, 0, 9).build());
    assertThat(filled.segments()).extracting(SegmentEntry::id).containsExactly("s-p1", "s-p2", "s-d");
    Manifest dropped = committer.commit(CommitMessage.builder("drop-partition").partitions(List.of("_default", "p1"))
        .truncate("p2").build());
    assertThat(dropped.partitions()).containsExactly("_default", "p1");
    assertThat(dropped.segments()).extracting(SegmentEntry::id).containsExactly("s-p1", "s-d");
    assertThat(catalog.current("docs").partitions()).containsExactly("_default", "p1");
  }

  @Test
  void walRowsOfADroppedPartitionAreDroppedButABatchWriteIsRefused() {
    Catalog catalog = localCatalog(tmp);
    createDocs(catalog, "docs", 1);
    ManifestCommitter committer = catalog.committer("docs");
    // rows written to p2 before it was dropped, sealed afterwards: they go with the partition
    Manifest v = committer.commit(CommitMessage.builder("stream").addSegment(inPartition("s-p2", "p2", 0, 0, 9))
        .addSegment(inPartition("s-d", "_default", 0, 0, 9)).covers(0, 0, 9).build());
    assertThat(v.segments()).extracting(SegmentEntry::id).containsExactly("s-d");
    assertThat(v.committedOffset(0)).isEqualTo(9);
    assertThat(v.summary()).containsEntry("rows-of-dropped-partitions", "10").containsEntry("added-segments", "1")
        .containsEntry("removed-segments", "0");
    // a batch write (no WAL offsets) naming an unknown partition is a mistake, not a race
    assertThatThrownBy(() -> committer.commit(CommitMessage.builder("append")
        .addSegment(inPartition("b-1", "nope", -1, 0, 9)).build())).isInstanceOf(CommitFailedException.class)
        .hasMessageContaining("partition 'nope'");
  }

  @Test
  void replacingAVanishedSegmentFails() {
    Catalog catalog = localCatalog(tmp);
    createDocs(catalog, "docs", 1);
    ManifestCommitter committer = catalog.committer("docs");
    committer.commit(stream(0, 0, 9));
    CommitMessage compaction = CommitMessage.builder("replace").removeSegment("nope")
        .addSegment(segment("c-1", 0, 0, 9)).build();
    assertThatThrownBy(() -> committer.commit(compaction)).isInstanceOf(CommitFailedException.class)
        .hasMessageContaining("segment nope, which is no longer live");
    assertThat(catalog.current("docs").version()).isEqualTo(2);
  }

  @Test
  void racingCommittersAllLandExactlyOnce() throws Exception {
    Catalog catalog = localCatalog(tmp);
    createDocs(catalog, "docs", 4);
    int threads = 4;
    int perThread = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int shard = t;
      // each thread uses its own Catalog + committer: as separate processes would
      Catalog own = localCatalog(tmp);
      futures.add(pool.submit(() -> {
        start.await();
        ManifestCommitter c = new ManifestCommitter(own.operations("docs"), 100, 1, 20);
        for (int i = 0; i < perThread; i++) {
          c.commit(stream(shard, i * 10L, i * 10L + 9));
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    Manifest m = catalog.current("docs");
    assertThat(m.version()).isEqualTo(1 + threads * perThread);
    assertThat(m.segments()).hasSize(threads * perThread);
    assertThat(m.segments().stream().map(SegmentEntry::sequenceNumber).distinct().count())
        .isEqualTo(threads * perThread);
    for (int s = 0; s < threads; s++) {
      assertThat(m.committedOffset(s)).isEqualTo(perThread * 10L - 1);
    }
    assertThat(m.history()).extracting(Manifest.HistoryEntry::version)
        .containsExactlyElementsOf(Stream.iterate(1L, v -> v + 1).limit(threads * perThread).toList());
  }

  @Test
  void failureAfterThePointerSwapIsStateUnknownAndDeletesNothing() throws IOException {
    Catalog catalog = localCatalog(tmp);
    createDocs(catalog, "docs", 1);
    CollectionOperations real = catalog.operations("docs");
    AtomicBoolean swapped = new AtomicBoolean();
    PointerStore flaky = new PointerStore() {
      @Nullable
      @Override
      public Pointer current() throws IOException {
        if (swapped.get()) {
          throw new IOException("network partition");
        }
        return real.pointers().current();
      }

      @Override
      public String fileName(long version, String attemptId) {
        return real.pointers().fileName(version, attemptId);
      }

      @Override
      public boolean swap(@Nullable Pointer expected, Pointer next, org.apache.hadoop.fs.Path staged)
          throws IOException {
        boolean ok = real.pointers().swap(expected, next, staged);
        swapped.set(ok);
        throw new IOException("connection reset after the swap");
      }
    };
    ManifestCommitter committer = new ManifestCommitter(
        new CollectionOperations("docs", real.fileSystem(), real.collectionDir(), flaky), 3, 1, 5);
    List<Path> before = listFiles();
    assertThatThrownBy(() -> committer.commit(stream(0, 0, 9))).isInstanceOf(CommitStateUnknownException.class)
        .hasMessageContaining("Cannot tell whether v2").hasMessageContaining("nothing was deleted");
    assertThat(listFiles()).containsAll(before).contains(tmp.resolve("docs/metadata/v2.json"));
    // The commit did land; a fresh reader sees it and a replay is a no-op.
    assertThat(catalog.current("docs").version()).isEqualTo(2);
    assertThat(catalog.committer("docs").commit(stream(0, 0, 9)).version()).isEqualTo(2);
  }

  @Test
  void givesUpWithCommitFailedWhenAlwaysLosing() {
    Catalog catalog = localCatalog(tmp);
    createDocs(catalog, "docs", 1);
    CollectionOperations real = catalog.operations("docs");
    PointerStore losing = new PointerStore() {
      @Override
      public Pointer current() throws IOException {
        return real.pointers().current();
      }

      @Override
      public String fileName(long version, String attemptId) {
        return real.pointers().fileName(version, attemptId);
      }

      @Override
      public boolean swap(Pointer expected, Pointer next, org.apache.hadoop.fs.Path staged) throws IOException {
        real.fileSystem().delete(staged, false);
        return false;
      }
    };
    ManifestCommitter committer = new ManifestCommitter(
        new CollectionOperations("docs", real.fileSystem(), real.collectionDir(), losing), 4, 1, 2);
    assertThatThrownBy(() -> committer.commit(stream(0, 0, 9))).isInstanceOf(CommitFailedException.class)
        .hasMessageContaining("after 4 attempts");
    assertThat(catalog.current("docs").version()).isEqualTo(1);
  }

  @Test
  void tagsPinVersions() {
    Catalog catalog = localCatalog(tmp);
    createDocs(catalog, "docs", 1);
    ManifestCommitter committer = catalog.committer("docs");
    committer.commit(stream(0, 0, 9));
    committer.tag("golden", 2);
    committer.commit(stream(0, 10, 19));
    assertThat(catalog.tag("docs", "golden").segments()).hasSize(1);
    assertThatThrownBy(() -> catalog.tag("docs", "nope")).hasMessageContaining("no tag 'nope'");
    assertThatThrownBy(() -> committer.tag("x", 99)).hasMessageContaining("not a retained version");
  }

  @Test
  void createRefusesDuplicatesAndBadNames() {
    Catalog catalog = localCatalog(tmp);
    createDocs(catalog, "docs", 1);
    assertThatThrownBy(() -> createDocs(catalog, "docs", 1)).hasMessageContaining("already exists");
    assertThatThrownBy(() -> createDocs(catalog, "bad-name", 1)).hasMessageContaining("Bad collection name");
    assertThatThrownBy(() -> createDocs(catalog, "x", 0)).hasMessageContaining("shards must be 1..1024");
    assertThat(catalog.list()).containsExactly("docs");
    catalog.drop("docs");
    assertThat(catalog.list()).isEmpty();
  }

  private List<Path> listFiles() throws IOException {
    try (Stream<Path> s = Files.walk(tmp)) {
      return s.filter(Files::isRegularFile).collect(Collectors.toList());
    }
  }
}
