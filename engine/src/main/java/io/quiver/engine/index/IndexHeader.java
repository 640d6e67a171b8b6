package io.quiver.engine.index;

import io.quiver.engine.schema.MetricType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Quiver header of an index file (layout in {@code package-info.java}): what the payload is, how it was built,
 * and where its sections lie. Immutable.
 */
public final class IndexHeader {
  /** "QVIX". */
  public static final int MAGIC = 0x51564958;
  /** The only format version this build writes and reads. */
  public static final int FORMAT_VERSION = 1;
  /** Headers are padded to a multiple of this, so the payload starts aligned. */
  static final int ALIGNMENT = 64;
  static final int MAX_HEADER_LENGTH = 1 << 20;

  /** A named byte range of the payload: offset relative to the payload start. */
  public static final class Section {
    public final long offset;
    public final long length;

    Section(long offset, long length) {
      this.offset = offset;
      this.length = length;
    }

    @Override
    public String toString() {
      return "[" + offset + ", +" + length + ")";
    }
  }

  private final int formatVersion;
  private final String kind;
  private final MetricType metric;
  private final int dimension;
  private final int count;
  private final Map<String, String> params;
  private final Map<String, Section> sections;
  private final int headerLength;
  private final long payloadLength;

  IndexHeader(int formatVersion, String kind, MetricType metric, int dimension, int count, Map<String, String> params,
      Map<String, Section> sections, int headerLength, long payloadLength) {
    this.formatVersion = formatVersion;
    this.kind = kind;
    this.metric = metric;
    this.dimension = dimension;
    this.count = count;
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    this.sections = Collections.unmodifiableMap(new LinkedHashMap<>(sections));
    this.headerLength = headerLength;
    this.payloadLength = payloadLength;
  }

  public int formatVersion() {
    return formatVersion;
  }

  public String kind() {
    return kind;
  }

  public MetricType metric() {
    return metric;
  }

  public int dimension() {
    return dimension;
  }

  public int count() {
    return count;
  }

  /** The build parameters as written (every parameter of the kind, defaults included). */
  public Map<String, String> params() {
    return params;
  }

  public Map<String, Section> sections() {
    return sections;
  }

  /** Bytes before the payload (the header and its padding). */
  public int headerLength() {
    return headerLength;
  }

  public long payloadLength() {
    return payloadLength;
  }

  /** The whole file: header, payload, CRC32C. */
  public long fileLength() {
    return headerLength + payloadLength + Integer.BYTES;
  }

  /** Serialized header, padded to {@link #ALIGNMENT}. {@code headerLength} of this object is ignored. */
  static byte[] encode(String kind, MetricType metric, int dimension, int count, Map<String, String> params,
      Map<String, Section> sections, long payloadLength) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(body);
    d.writeUTF(kind);
    d.writeInt(metric.id());
    d.writeInt(dimension);
    d.writeInt(count);
    d.writeInt(params.size());
    for (Map.Entry<String, String> e : params.entrySet()) {
      d.writeUTF(e.getKey());
      d.writeUTF(e.getValue());
    }
    d.writeInt(sections.size());
    for (Map.Entry<String, Section> e : sections.entrySet()) {
      d.writeUTF(e.getKey());
      d.writeLong(e.getValue().offset);
      d.writeLong(e.getValue().length);
    }
    d.writeLong(payloadLength);
    d.flush();
    int unpadded = 3 * Integer.BYTES + body.size();
    int length = (unpadded + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    ByteArrayOutputStream all = new ByteArrayOutputStream(length);
    DataOutputStream h = new DataOutputStream(all);
    h.writeInt(MAGIC);
    h.writeInt(FORMAT_VERSION);
    h.writeInt(length);
    body.writeTo(h);
    h.write(new byte[length - unpadded]);
    h.flush();
    return all.toByteArray();
  }

  /**
   * Parses the header from the first bytes of {@code file} ({@code prefix} holds at least 12 bytes, or all of them
   * when the file is shorter). Checks magic and version first, so that a foreign file is named as such.
   */
  static int headerLengthOf(Path file, byte[] prefix, long fileLength) throws CorruptIndexException {
    if (fileLength < 3 * Integer.BYTES + Integer.BYTES || prefix.length < 3 * Integer.BYTES) {
      throw new CorruptIndexException(file, "too short to be an index file (" + fileLength + " bytes)");
    }
    int magic = readInt(prefix, 0);
    if (magic != MAGIC) {
      throw new CorruptIndexException(file, String.format(
          "bad magic 0x%08x, expected 0x%08x (\"QVIX\"): not a Quiver index file", magic, MAGIC));
    }
    int version = readInt(prefix, 4);
    if (version != FORMAT_VERSION) {
      throw new CorruptIndexException(file, "unknown index format version " + version + "; this build reads version "
          + FORMAT_VERSION);
    }
    int length = readInt(prefix, 8);
    if (length < 3 * Integer.BYTES || length > MAX_HEADER_LENGTH || length % ALIGNMENT != 0
        || length + (long) Integer.BYTES > fileLength) {
      throw new CorruptIndexException(file, "bad header length " + length + " for a file of " + fileLength + " bytes");
    }
    return length;
  }

  static IndexHeader decode(Path file, byte[] header, long fileLength) throws CorruptIndexException {
    int length = headerLengthOf(file, header, fileLength);
    try {
      DataInputStream d = new DataInputStream(new ByteArrayInputStream(header, 12, length - 12));
      String kind = d.readUTF();
      int metricId = d.readInt();
      MetricType metric;
      try {
        metric = MetricType.fromId(metricId);
      } catch (IllegalArgumentException e) {
        throw new CorruptIndexException(file, "unknown metric id " + metricId);
      }
      int dim = d.readInt();
      int count = d.readInt();
      if (dim <= 0 || count < 0) {
        throw new CorruptIndexException(file, "bad dimension " + dim + " or count " + count);
      }
      int nParams = d.readInt();
      if (nParams < 0 || nParams > 1024) {
        throw new CorruptIndexException(file, "bad parameter count " + nParams);
      }
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 0; i < nParams; i++) {
        params.put(d.readUTF(), d.readUTF());
      }
      int nSections = d.readInt();
      if (nSections < 0 || nSections > 1024) {
        throw new CorruptIndexException(file, "bad section count " + nSections);
      }
      Map<String, Section> sections = new LinkedHashMap<>();
      for (int i = 0; i < nSections; i++) {
        sections.put(d.readUTF(), new Section(d.readLong(), d.readLong()));
      }
      long payloadLength = d.readLong();
      if (payloadLength < 0 || length + payloadLength + Integer.BYTES != fileLength) {
        throw new CorruptIndexException(file, "file is " + fileLength + " bytes but header says "
            + (length + payloadLength + Integer.BYTES) + " (truncated or appended to)");
      }
      for (Map.Entry<String, Section> e : sections.entrySet()) {
        Section s = e.getValue();
        if (s.offset < 0 || s.length < 0 || s.offset + s.length > payloadLength) {
          throw new CorruptIndexException(file, "section " + e.getKey() + " " + s + " lies outside the payload of "
              + payloadLength + " bytes");
        }
      }
      return new IndexHeader(FORMAT_VERSION, kind, metric, dim, count, params, sections, length, payloadLength);
    } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
      throw new CorruptIndexException(file, "unreadable header", e);
    } catch (CorruptIndexException e) {
      throw e;
    } catch (IOException e) {
      throw new CorruptIndexException(file, "unreadable header", e);
    }
  }

  private static int readInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  @Override
  public String toString() {
    return "IndexHeader{v" + formatVersion + " " + kind + " " + metric + " dim=" + dimension + " count=" + count
        + " params=" + params + " sections=" + sections + " payload=" + payloadLength + "}";
  }
}
