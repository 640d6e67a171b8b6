package io.quiver.engine.catalog;

import io.quiver.engine.io.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import javax.annotation.Nullable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads and stages manifests of one collection and talks to its {@link PointerStore}. Thread-safe; caches the last
 * manifest read.
 */
public final class CollectionOperations {
  private final String collection;
  private final FileSystem fs;
  private final Path collectionDir;
  private final Path metadataDir;
  private final PointerStore pointers;
  /** The manifest file read last and its content, as one value: readers on other threads never see a mixed pair. */
  private volatile Read last;

  private record Read(String file, Manifest manifest) {}

  public CollectionOperations(String collection, FileSystem fs, Path collectionDir, PointerStore pointers) {
    this.collection = collection;
    this.fs = fs;
    this.collectionDir = collectionDir;
    this.metadataDir = new Path(collectionDir, "metadata");
    this.pointers = pointers;
  }

  public String collection() {
    return collection;
  }

  public FileSystem fileSystem() {
    return fs;
  }

  public Path collectionDir() {
    return collectionDir;
  }

  public Path metadataDir() {
    return metadataDir;
  }

  public PointerStore pointers() {
    return pointers;
  }

  /** The current pointer (null when the collection does not exist). */
  @Nullable
  public PointerStore.Pointer pointer() throws IOException {
    return pointers.current();
  }

  /** The current manifest, or null when the collection has none. */
  @Nullable
  public Manifest current() {
    try {
      PointerStore.Pointer p = pointers.current();
      return p == null ? null : read(p.file());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the current version of collection " + collection, e);
    }
  }

  /** Reads (and verifies) the manifest file {@code file} of the metadata directory. */
  public Manifest read(String file) {
    Read r = last;
    if (r != null && r.file().equals(file)) {
      return r.manifest();
    }
    Path p = new Path(metadataDir, file);
    try {
      Manifest m = ManifestParser.fromBytes(HadoopFiles.readAll(fs, p), p.toString());
      last = new Read(file, m);
      return m;
    } catch (FileNotFoundException e) {
      throw new NoSuchVersionException("Collection " + collection + " has no manifest file " + file
          + " (expired or never written)");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read manifest " + p, e);
    }
  }

  /** Writes manifest bytes to a fresh temporary file in the metadata directory and returns its path. */
  Path stage(byte[] bytes) throws IOException {
    Path staged = new Path(metadataDir, ".staged-" + UUID.randomUUID() + ".json.tmp");
    HadoopFiles.write(fs, staged, bytes, false);
    return staged;
  }
}
