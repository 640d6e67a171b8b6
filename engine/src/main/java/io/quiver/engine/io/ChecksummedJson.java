package io.quiver.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The envelope of Quiver's JSON files (manifests, segment stats): a JSON object
 *
 * <pre>{"format":"quiver-manifest","format-version":1,"crc32c":"1a2b3c4d","body":{...}}</pre>
 *
 * where {@code crc32c} is the CRC-32C (hex, 8 digits) of the exact UTF-8 bytes of the {@code body} value as they
 * stand in the file (from its opening to its closing brace). Readers locate those bytes with the streaming parser,
 * so the check does not depend on re-serialising the JSON. The file stays plain JSON any tool can read.
 */
public final class ChecksummedJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private ChecksummedJson() {}

  /** Serialises {@code body} inside the envelope. */
  public static byte[] write(String format, int formatVersion, JsonNode body) {
    try {
      byte[] bodyBytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
      CRC32C crc = new CRC32C();
      crc.update(bodyBytes);
      ByteArrayOutputStream out = new ByteArrayOutputStream(bodyBytes.length + 128);
      String head = "{\"format\":" + MAPPER.writeValueAsString(format) + ",\"format-version\":" + formatVersion
          + ",\"crc32c\":\"" + String.format("%08x", crc.getValue()) + "\",\"body\":";
      out.write(head.getBytes(StandardCharsets.UTF_8));
      out.write(bodyBytes);
      out.write("}\n".getBytes(StandardCharsets.UTF_8));
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot serialise " + format, e);
    }
  }

  /**
   * Reads and verifies an envelope.
   *
   * @param file the file name, for error messages
   * @param format the expected format name
   * @param maxFormatVersion the newest format version this reader understands
   * @return the body
   * @throws CorruptFileException for anything but a well-formed, checksum-valid envelope of a known version
   */
  public static ObjectNode read(byte[] bytes, String file, String format, int maxFormatVersion) {
    String foundFormat = null;
    int version = -1;
    String crc = null;
    int bodyStart = -1;
    int bodyEnd = -1;
    try (JsonParser p = FACTORY.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new CorruptFileException(file, "not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "format":
            foundFormat = p.getValueAsString();
            break;
          case "format-version":
            version = p.getValueAsInt(-1);
            break;
          case "crc32c":
            crc = p.getValueAsString();
            break;
          case "body":
            if (t != JsonToken.START_OBJECT) {
              throw new CorruptFileException(file, "body is not a JSON object");
            }
            bodyStart = (int) p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            bodyEnd = (int) p.currentLocation().getByteOffset();
            break;
          default:
            p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new CorruptFileException(file, "malformed JSON: " + e.getMessage(), e);
    }
    if (!format.equals(foundFormat)) {
      throw new CorruptFileException(file, "format is '" + foundFormat + "', expected '" + format + "'");
    }
    if (version < 1 || version > maxFormatVersion) {
      throw new CorruptFileException(file, "unknown format version " + version + "; this reader understands 1.."
          + maxFormatVersion + " (written by a newer Quiver?)");
    }
    if (crc == null || bodyStart < 0) {
      throw new CorruptFileException(file, "missing crc32c or body");
    }
    CRC32C actual = new CRC32C();
    actual.update(bytes, bodyStart, bodyEnd - bodyStart);
    String actualHex = String.format("%08x", actual.getValue());
    if (!actualHex.equalsIgnoreCase(crc)) {
      throw new CorruptFileException(file, "checksum mismatch: file says crc32c " + crc + ", body has " + actualHex);
    }
    try {
      return (ObjectNode) MAPPER.readTree(bytes, bodyStart, bodyEnd - bodyStart);
    } catch (IOException e) {
      throw new CorruptFileException(file, "malformed body: " + e.getMessage(), e);
    }
  }
}
