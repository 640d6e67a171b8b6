package io.quiver.engine.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Small whole-file helpers over Hadoop's FileSystem API (local folders, S3A, HDFS alike). */
public final class HadoopFiles {
  private HadoopFiles() {}

  public static byte[] readAll(FileSystem fs, Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    }
  }

  /** Writes a whole file, replacing any file at {@code path}. */
  public static void write(FileSystem fs, Path path, byte[] bytes, boolean overwrite) throws IOException {
    try (FSDataOutputStream out = fs.create(path, overwrite)) {
      out.write(bytes);
    }
  }

  /** Deletes quietly; returns false when the delete failed (the caller logs or leaves it to garbage collection). */
  public static boolean deleteQuietly(FileSystem fs, Path path, boolean recursive) {
    try {
      return fs.delete(path, recursive);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
