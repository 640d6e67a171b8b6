package io.quiver.engine.index;

import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.ValidationException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/** Names, writes and checks index files (layout in {@code package-info.java}). */
public final class IndexFiles {
  private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");
  private static final int COPY_BUFFER = 1 << 20;

  private IndexFiles() {
  }

  /** The file name of {@code field}'s index of {@code kind} inside a segment folder: {@code <field>.<kind>.qvi}. */
  public static String fileName(String field, String kind) {
    if (field == null || !FIELD.matcher(field).matches()) {
      throw new ValidationException("field", field, "must be letters, digits and underscores, not starting with a digit");
    }
    VectorIndexFactory f = VectorIndexes.factory(kind);
    return field + "." + f.kind().toLowerCase(Locale.ROOT) + ".qvi";
  }

  /** Reads and checks the header only (magic, version, lengths); does not read the payload. */
  public static IndexHeader readHeader(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      byte[] prefix = readFully(ch, 0, (int) Math.min(size, 12));
      int length = IndexHeader.headerLengthOf(file, prefix, size);
      return IndexHeader.decode(file, readFully(ch, 0, length), size);
    }
  }

  /**
   * Checks the header and the trailing CRC32C over the whole file; reads every byte once.
   *
   * @return the header, when the file is intact
   * @throws CorruptIndexException naming the file otherwise
   */
  public static IndexHeader verifyChecksum(Path file) throws IOException {
    IndexHeader header = readHeader(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long end = header.headerLength() + header.payloadLength();
      CRC32C crc = new CRC32C();
      ByteBuffer buf = ByteBuffer.allocateDirect(COPY_BUFFER);
      long pos = 0;
      while (pos < end) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), end - pos));
        int n = ch.read(buf, pos);
        if (n < 0) {
          throw new CorruptIndexException(file, "truncated at byte " + pos);
        }
        buf.flip();
        crc.update(buf);
        pos += n;
      }
      ByteBuffer stored = ByteBuffer.allocate(Integer.BYTES);
      while (stored.hasRemaining()) {
        if (ch.read(stored, end + stored.position()) < 0) {
          throw new CorruptIndexException(file, "truncated checksum");
        }
      }
      int expected = stored.getInt(0);
      int actual = (int) crc.getValue();
      if (expected != actual) {
        throw new CorruptIndexException(file, String.format("checksum mismatch: stored CRC32C 0x%08x, computed 0x%08x",
            expected, actual));
      }
    }
    return header;
  }

  /**
   * Writes one index file to {@code out}: header, then each section file's bytes in order, then the CRC32C. Flushes
   * {@code out}, does not close it.
   */
  static long write(OutputStream out, String kind, MetricType metric, int dimension, int count,
      Map<String, String> params, Map<String, Path> sectionFiles, ProgressListener progress) throws IOException {
    Map<String, IndexHeader.Section> sections = new LinkedHashMap<>();
    long payload = 0;
    for (Map.Entry<String, Path> e : sectionFiles.entrySet()) {
      long len = Files.size(e.getValue());
      sections.put(e.getKey(), new IndexHeader.Section(payload, len));
      payload += len;
    }
    byte[] header = IndexHeader.encode(kind, metric, dimension, count, params, sections, payload);
    CRC32C crc = new CRC32C();
    CheckedOutputStream checked = new CheckedOutputStream(out, crc);
    checked.write(header);
    byte[] buf = new byte[COPY_BUFFER];
    long done = 0;
    for (Path p : sectionFiles.values()) {
      try (InputStream in = Files.newInputStream(p)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          checked.write(buf, 0, n);
          done += n;
          progress.progress("write", done, payload);
        }
      }
    }
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt((int) crc.getValue());
    d.flush();
    return header.length + payload + Integer.BYTES;
  }

  private static byte[] readFully(FileChannel ch, long at, int len) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len);
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        break;
      }
    }
    byte[] out = new byte[b.position()];
    b.flip();
    b.get(out);
    return out;
  }
}
