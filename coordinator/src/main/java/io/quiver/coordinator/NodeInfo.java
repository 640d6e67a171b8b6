package io.quiver.coordinator;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a query node registers: its id, the address of its internal query service, the address of its Milvus API,
 * how many bytes of segments it may hold and how many it holds now.
 */
public record NodeInfo(String id, String internalAddress, String apiAddress, long capacityBytes, long loadedBytes) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public byte[] toBytes() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static NodeInfo fromBytes(byte[] b) {
    try {
      return JSON.readValue(b, NodeInfo.class);
    } catch (IOException e) {
      throw new IllegalStateException("Corrupt node registration: " + new String(b, java.nio.charset.StandardCharsets.UTF_8), e);
    }
  }

  public NodeInfo withLoadedBytes(long bytes) {
    return new NodeInfo(id, internalAddress, apiAddress, capacityBytes, bytes);
  }
}
